import { z } from 'zod';
import type { Db } from '../../../core/clickhouse/client.js';
import {
  INTERNAL_DAILY,
  INTERNAL_HOURLY,
} from '../../../core/clickhouse/migrations/0780_internal_pairs_per_day.js';
import { chNumber } from '../../../core/clickhouse/query.js';
import { DAY_MS, HOUR_MS, tierSpans } from '../../../core/clickhouse/time.js';
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

/** Columns `flows_internal_1h`/`_1d` (migrations 0730/0740/0780) have under the names the filter compiles to. */
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
 * Whether `flows_internal_1h` and `_1d` answer the window's whole hours and days: it keeps every flow between two
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

/** The internal-pair tiers, coarsest first: whole days, then whole hours (raw `flows` below both). */
const INTERNAL_TIERS: readonly [number, string][] = [
  [DAY_MS, INTERNAL_DAILY],
  [HOUR_MS, INTERNAL_HOURLY],
];

/**
 * Traffic between subnets (segmentation): one cell per source subnet → destination subnet pair,
 * allowed and denied separately, largest pairs first. Private traffic by flows or bytes (the
 * segmentation page's request) reads whole days from `flows_internal_1d` (migration 0780), the
 * partial days' whole hours from `flows_internal_1h` and only the partial hours at the ends from
 * raw `flows` (core/clickhouse/time.ts `tierSpans`); anything else reads raw flows (the other
 * rollups drop one address). Rows are summed per numeric subnet pair first and only the pairs are
 * turned into text: formatting two addresses per raw row was most of the cost.
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
  const p = input.prefix;
  const filter = compileFilter(input.filter, params);
  const keys = `${subnetKeySql('src_ip', p)} AS s, ${subnetKeySql('dst_ip', p)} AS d`;
  const raw = (where: string) =>
    `SELECT ${keys}, ${metricSql(input.metric, 'flows', `action = 'allow'`)} AS m_allowed, ` +
    `${metricSql(input.metric, 'flows', `action = 'deny'`)} AS m_denied ` +
    `FROM flows WHERE (${where}) AND ${filter} GROUP BY s, d`;
  const [fromMs, toMs] = [input.window.from.getTime(), input.window.to.getTime()];
  const tiers = internalRollupAnswers(input) ? INTERNAL_TIERS : [];
  const spans = tierSpans(
    fromMs,
    toMs,
    tiers.map(([unit]) => unit),
  );
  const m = input.metric === 'bytes' ? 'bytes' : 'flows';
  const inSpans = (unit: number, range: (from: string, to: string) => string) =>
    spans
      .filter((s) => s.unit === unit)
      .map((s) => `(${range(at(s.from), at(s.to))})`)
      .join(' OR ');
  const parts = tiers
    .filter(([unit]) => spans.some((s) => s.unit === unit))
    .map(
      ([unit, table]) =>
        `SELECT ${keys}, sumIf(${m}, action = 'allow') AS m_allowed, sumIf(${m}, action = 'deny') AS m_denied ` +
        `FROM ${table} WHERE (${inSpans(unit, (f, t) => `time >= ${f} AND time < ${t}`)}) AND ${filter} GROUP BY s, d`,
    );
  if (spans.some((s) => s.unit === 0)) parts.push(raw(inSpans(0, timeRangeSql)));
  if (!parts.length) parts.push(raw(timeRangeSql(at(fromMs), at(toMs)))); // an empty window
  const sums =
    parts.length === 1
      ? parts[0]!
      : `SELECT s, d, sum(m_allowed) AS m_allowed, sum(m_denied) AS m_denied FROM (${parts.join(' UNION ALL ')}) GROUP BY s, d`;
  const query =
    `SELECT ${subnetTextSql('s', p)} AS src, ${subnetTextSql('d', p)} AS dst, m_allowed, m_denied ` +
    `FROM (${sums}) ORDER BY m_allowed + m_denied DESC, s, d LIMIT ${params.add('UInt32', input.limit)}`;
  const rows = await readRows(db, query, params.values, CellRow);
  return rows.map((r) => ({ src: r.src, dst: r.dst, allowed: r.m_allowed, denied: r.m_denied }));
}
