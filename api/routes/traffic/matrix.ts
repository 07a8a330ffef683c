import { z } from 'zod';
import type { Db } from '../../../core/clickhouse/client.js';
import { chNumber } from '../../../core/clickhouse/query.js';
import { wholeHours } from '../../../core/clickhouse/time.js';
import { type FilterNode, fieldsOf } from '../../filter/ast.js';
import { compileFilter } from '../../filter/compile.js';
import { ParamBag } from '../../query/params.js';
import { readRows } from '../../query/run.js';
import { type Metric, metricSql } from '../../query/source.js';
import { chTime, type TimeWindow, timeRangeSql } from '../../query/time.js';

const CellRow = z.object({ src: z.string(), dst: z.string(), m_allowed: chNumber, m_denied: chNumber });

export interface MatrixCell {
  src: string;
  dst: string;
  allowed: number;
  denied: number;
}

/** IPv4 addresses are stored IPv4-mapped (`::ffff:a.b.c.d`). */
const isV4 = (c: string) => `(${c} BETWEEN toIPv6('::ffff:0.0.0.0') AND toIPv6('::ffff:255.255.255.255'))`;

/** The subnet's first address: IPv4 cut to `prefix` bits (8/16/24), IPv6 to /64; a number, grouped cheaply. */
function subnetKeySql(column: string, prefix: 8 | 16 | 24): string {
  return `IPv6CIDRToRange(${column}, if(${isV4(column)}, ${96 + prefix}, 64)).1`;
}

/** A subnet key as `a.b.c.d/n` (IPv4) or `x:x::/64` text. */
function subnetTextSql(key: string, prefix: 8 | 16 | 24): string {
  const text = `IPv6NumToString(${key})`;
  return `if(${isV4(key)}, concat(replaceRegexpOne(${text}, '^::ffff:', ''), '/${prefix}'), concat(${text}, '/64'))`;
}

/** Columns `flows_internal_1h` (migrations 0730/0740) has under the names the filter compiles to. */
const INTERNAL_FIELDS: ReadonlySet<string> = new Set([
  'src_ip',
  'dst_ip',
  'dst_port',
  'direction',
  'action',
  'remote_is_public',
]);

/** Whether every row the filter keeps has a private peer: it requires `remote_is_public = false`. */
function privatePeersOnly(node: FilterNode | null): boolean {
  if (!node) return false;
  if (node.kind === 'and') return node.items.some(privatePeersOnly);
  return (
    node.kind === 'compare' &&
    node.field.name === 'remote_is_public' &&
    node.op === '=' &&
    node.value.type === 'Bool' &&
    !node.value.value
  );
}

/**
 * Whether `flows_internal_1h` answers the window's whole hours: it keeps every flow between two
 * private addresses with its source, destination, port, direction and action, flows and bytes (no
 * packets), so a flows or bytes matrix of private traffic filtered on those columns only.
 */
function internalRollupAnswers(input: { filter: FilterNode | null; metric: Metric }): boolean {
  return (
    input.metric !== 'packets' &&
    privatePeersOnly(input.filter) &&
    [...fieldsOf(input.filter)].every((f) => INTERNAL_FIELDS.has(f))
  );
}

/**
 * Traffic between subnets (segmentation): one cell per source subnet → destination subnet pair,
 * allowed and denied separately, largest pairs first. Private traffic by flows or bytes (the
 * segmentation page's request) reads the whole hours from `flows_internal_1h` and only the partial
 * hours at the ends from raw `flows`; anything else reads raw flows (the other rollups drop one
 * address). Rows are summed per numeric subnet pair first and only the pairs are turned into text:
 * formatting two addresses per raw row was most of the cost.
 */
export async function subnetMatrix(
  db: Db,
  input: {
    window: TimeWindow;
    filter: FilterNode | null;
    metric: Metric;
    prefix: 8 | 16 | 24;
    limit: number;
  },
): Promise<MatrixCell[]> {
  const params = new ParamBag();
  const at = (ms: number) => params.add('DateTime64(3)', chTime(new Date(ms)));
  const [from, to] = [at(input.window.from.getTime()), at(input.window.to.getTime())];
  const p = input.prefix;
  const filter = compileFilter(input.filter, params);
  const keys = `${subnetKeySql('src_ip', p)} AS s, ${subnetKeySql('dst_ip', p)} AS d`;
  const raw = (where: string) =>
    `SELECT ${keys}, ${metricSql(input.metric, 'flows', `action = 'allow'`)} AS m_allowed, ` +
    `${metricSql(input.metric, 'flows', `action = 'deny'`)} AS m_denied ` +
    `FROM flows WHERE (${where}) AND ${filter} GROUP BY s, d`;
  const hours = wholeHours(input.window.from, input.window.to);
  let sums = raw(timeRangeSql(from, to));
  if (internalRollupAnswers(input) && hours.from < hours.to) {
    const [h0, h1] = [at(hours.from), at(hours.to)];
    const m = input.metric === 'bytes' ? 'bytes' : 'flows';
    sums =
      `SELECT s, d, sum(m_allowed) AS m_allowed, sum(m_denied) AS m_denied FROM (` +
      `SELECT ${keys}, sumIf(${m}, action = 'allow') AS m_allowed, sumIf(${m}, action = 'deny') AS m_denied ` +
      `FROM flows_internal_1h WHERE time >= ${h0} AND time < ${h1} AND ${filter} GROUP BY s, d ` +
      `UNION ALL ${raw(`(${timeRangeSql(from, h0)}) OR (${timeRangeSql(h1, to)})`)}) GROUP BY s, d`;
  }
  const query =
    `SELECT ${subnetTextSql('s', p)} AS src, ${subnetTextSql('d', p)} AS dst, m_allowed, m_denied ` +
    `FROM (${sums}) ORDER BY m_allowed + m_denied DESC, s, d LIMIT ${params.add('UInt32', input.limit)}`;
  const rows = await readRows(db, query, params.values, CellRow);
  return rows.map((r) => ({ src: r.src, dst: r.dst, allowed: r.m_allowed, denied: r.m_denied }));
}
