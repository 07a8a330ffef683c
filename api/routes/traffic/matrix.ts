import { z } from 'zod';
import type { Db } from '../../../core/clickhouse/client.js';
import { chNumber } from '../../../core/clickhouse/query.js';
import type { FilterNode } from '../../filter/ast.js';
import { compileFilter } from '../../filter/compile.js';
import { ParamBag } from '../../query/params.js';
import { readRows } from '../../query/run.js';
import { type Metric, metricSql } from '../../query/source.js';
import { chTime, type TimeWindow } from '../../query/time.js';

const CellRow = z.object({ src: z.string(), dst: z.string(), m_allowed: chNumber, m_denied: chNumber });

export interface MatrixCell {
  src: string;
  dst: string;
  allowed: number;
  denied: number;
}

/** Subnet of an address: IPv4 cut to `prefix` bits (8/16/24), IPv6 to /64, as `a.b.c.d/n` text. */
function subnetSql(column: string, prefix: 8 | 16 | 24): string {
  const cut = `cutIPv6(${column}, 8, ${(32 - prefix) / 8})`;
  return (
    `if(startsWith(IPv6NumToString(${column}), '::ffff:'), ` +
    `concat(replaceRegexpOne(${cut}, '^::ffff:', ''), '/${prefix}'), concat(${cut}, '/64'))`
  );
}

/**
 * Traffic between subnets (segmentation): one cell per source subnet → destination subnet pair,
 * allowed and denied separately, largest pairs first. Reads raw flows (rollups drop addresses).
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
  const from = params.add('DateTime64(3)', chTime(input.window.from));
  const to = params.add('DateTime64(3)', chTime(input.window.to));
  const query =
    `SELECT ${subnetSql('src_ip', input.prefix)} AS src, ${subnetSql('dst_ip', input.prefix)} AS dst, ` +
    `${metricSql(input.metric, 'flows', `action = 'allow'`)} AS m_allowed, ` +
    `${metricSql(input.metric, 'flows', `action = 'deny'`)} AS m_denied ` +
    `FROM flows WHERE time >= ${from} AND time < ${to} AND ${compileFilter(input.filter, params)} ` +
    `GROUP BY src, dst ORDER BY m_allowed + m_denied DESC LIMIT ${params.add('UInt32', input.limit)}`;
  const rows = await readRows(db, query, params.values, CellRow);
  return rows.map((r) => ({ src: r.src, dst: r.dst, allowed: r.m_allowed, denied: r.m_denied }));
}
