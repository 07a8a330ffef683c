import { z } from 'zod';
import type { Db } from '../../../core/clickhouse/client.js';
import { chIsoTime, chNumber } from '../../../core/clickhouse/query.js';
import { ParamBag } from '../../query/params.js';
import { readRows } from '../../query/run.js';
import { chooseTable } from '../../query/source.js';
import { chTime, type TimeWindow } from '../../query/time.js';

const HitRow = z.object({
  nsg: z.string(),
  rule_name: z.string(),
  kind: z.string(),
  n: chNumber,
  a: chNumber,
  d: chNumber,
  b: chNumber,
  last: chIsoTime,
});

/** Flows per (NSG, rule) in the window, from the finest rollup that covers it (routes.ts RuleRow). */
export async function ruleHits(db: Db, w: TimeWindow, nsg?: string) {
  const { table } = chooseTable(w, ['nsg', 'rule_name']);
  const params = new ParamBag();
  const nsgSql = nsg ? ` AND nsg = ${params.add('String', nsg)}` : '';
  const rows = await readRows(
    db,
    `SELECT nsg, rule_name, any(rule_kind) AS kind, sum(flows) AS n, sumIf(flows, action = 'allow') AS a, ` +
      `sumIf(flows, action = 'deny') AS d, sum(bytes_sent + bytes_received) AS b, max(time) AS last ` +
      `FROM ${table} WHERE time >= ${params.add('DateTime64(3)', chTime(w.from))} ` +
      `AND time < ${params.add('DateTime64(3)', chTime(w.to))}${nsgSql} GROUP BY nsg, rule_name ORDER BY nsg, n DESC`,
    params.values,
    HitRow,
  );
  return rows.map((r) => ({
    nsg: r.nsg,
    rule_name: r.rule_name,
    rule_kind: r.kind,
    flows: r.n,
    allowed: r.a,
    denied: r.d,
    bytes: r.b,
    lastHit: r.last,
    inInventory: false,
  }));
}
