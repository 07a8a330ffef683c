import { z } from 'zod';
import type { Db } from '../../../core/clickhouse/client.js';
import { chNumber } from '../../../core/clickhouse/query.js';
import type { FilterNode } from '../../filter/ast.js';
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

/**
 * Traffic between subnets (segmentation): one cell per source subnet → destination subnet pair,
 * allowed and denied separately, largest pairs first. Reads raw flows (rollups drop one address or,
 * `flows_internal_1h`, the packets). Rows are summed per numeric subnet pair first and only the
 * pairs are turned into text: formatting two addresses per raw row was most of the cost.
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
  const p = input.prefix;
  const sums =
    `SELECT ${subnetKeySql('src_ip', p)} AS s, ${subnetKeySql('dst_ip', p)} AS d, ` +
    `${metricSql(input.metric, 'flows', `action = 'allow'`)} AS m_allowed, ` +
    `${metricSql(input.metric, 'flows', `action = 'deny'`)} AS m_denied ` +
    `FROM flows WHERE ${timeRangeSql(from, to)} AND ${compileFilter(input.filter, params)} ` +
    'GROUP BY s, d';
  const query =
    `SELECT ${subnetTextSql('s', p)} AS src, ${subnetTextSql('d', p)} AS dst, m_allowed, m_denied ` +
    `FROM (${sums}) ORDER BY m_allowed + m_denied DESC, s, d LIMIT ${params.add('UInt32', input.limit)}`;
  const rows = await readRows(db, query, params.values, CellRow);
  return rows.map((r) => ({ src: r.src, dst: r.dst, allowed: r.m_allowed, denied: r.m_denied }));
}
