import { z } from 'zod';
import type { Db } from '../../../core/clickhouse/client.js';
import { chIsoTime, chNumber } from '../../../core/clickhouse/query.js';
import { type FilterNode, fieldsOf } from '../../filter/ast.js';
import { compileFilter } from '../../filter/compile.js';
import { ParamBag } from '../../query/params.js';
import { readRows } from '../../query/run.js';
import {
  chooseTable,
  fromSql,
  ipTextSql,
  type Metric,
  metricSql,
  type TableChoice,
} from '../../query/source.js';
import { chTime, pickStep, type TimeWindow, timeRangeSql } from '../../query/time.js';
import {
  DIMENSIONS,
  type Dimension,
  type DimensionName,
  SPLITS,
  type SplitName,
  TOP_SERIES,
} from './dimensions.js';
import { isTypeDimension, typeTop } from './type-top.js';

export interface TrafficInput {
  window: TimeWindow;
  filter: FilterNode | null;
  metric: Metric;
}

/** `time` range + filter: the WHERE clause every traffic read shares. */
function where(input: TrafficInput, params: ParamBag): string {
  const from = params.add('DateTime64(3)', chTime(input.window.from));
  const to = params.add('DateTime64(3)', chTime(input.window.to));
  return `${timeRangeSql(from, to)} AND ${compileFilter(input.filter, params)}`;
}

export interface TopRow {
  key: Record<string, string | number>;
  value: number;
  denied: number;
  flows: number;
  bytes: number;
  packets: number;
}

/** Top-N keys by a metric, with the denied share and all three counters. */
/** Group keys (`k_…`, `s_…`) are text or numbers; the metrics are checked as numbers. */
const KeyValue = z.union([z.string(), z.number()]);
const TopRowSchema = z
  .object({
    m_value: chNumber,
    m_denied: chNumber,
    m_flows: chNumber,
    m_bytes: chNumber,
    m_packets: chNumber,
  })
  .catchall(KeyValue);
const PointRow = z.object({ t: chIsoTime, m_v: chNumber }).catchall(KeyValue);
type PointRow = z.infer<typeof PointRow>;

export async function topN(
  db: Db,
  input: TrafficInput & { dimension: DimensionName; limit: number },
  choose: (w: TimeWindow, columns: string[]) => TableChoice = chooseTable,
): Promise<{ source: TableChoice; rows: TopRow[] }> {
  if (isTypeDimension(input.dimension))
    return typeTop(db, { ...input, dimension: input.dimension }, choose, where);
  const dim: Dimension = DIMENSIONS[input.dimension];
  const groupBy = dim.groupBy ?? dim.columns;
  const source = choose(input.window, [...fieldsOf(input.filter), ...dim.columns]);
  const params = new ParamBag();
  const t = source.table;
  const keys = dim.select.map(([alias, expr]) => `${expr} AS k_${alias}`).join(', ');
  const { select, from } = topSource(dim, input, t, params, source.hoursOnly ? 3600 : undefined);
  const query =
    `SELECT ${keys}, ${select} ${from} ` +
    // Group on the stored columns and format only the winners (text per row is the slow part).
    `GROUP BY ${groupBy.join(', ')} ` +
    `ORDER BY m_value DESC, ${groupBy.join(', ')} LIMIT ${params.add('UInt32', input.limit)}`;
  const rows = await readRows(db, query, params.values, TopRowSchema);
  return {
    source,
    rows: rows.map((r) => ({
      key: Object.fromEntries(dim.select.map(([alias]) => [alias, r[`k_${alias}`]!])),
      value: r.m_value,
      denied: r.m_denied,
      flows: r.m_flows,
      bytes: r.m_bytes,
      packets: r.m_packets,
    })),
  };
}

/**
 * The metric columns and FROM clause of a top-N. Keys looked up from the peer alone sum per
 * distinct peer first, so each lookup runs once per address, not per row (flow types also read the
 * local address: those pairs barely repeat, so there is nothing to gain).
 */
function topSource(
  dim: Dimension,
  input: TrafficInput,
  t: TableChoice['table'],
  params: ParamBag,
  /** A 1-hour step reads no daily rows (api/query/source.ts `fromSql`). */
  stepSeconds?: number,
): { select: string; from: string } {
  const metrics = [
    [metricSql(input.metric, t), 'm_value'],
    [metricSql(input.metric, t, `action = 'deny'`), 'm_denied'],
    [metricSql('flows', t), 'm_flows'],
    [metricSql('bytes', t), 'm_bytes'],
    [metricSql('packets', t), 'm_packets'],
  ];
  const direct = metrics.map(([sql, a]) => `${sql} AS ${a}`).join(', ');
  const filtered = `FROM ${fromSql(t, input.window, params, stepSeconds)} WHERE ${where(input, params)}`;
  if (dim.groupBy === undefined || dim.columns.length !== 1) return { select: direct, from: filtered };
  const cols = dim.columns.join(', ');
  return {
    select: metrics.map(([, a]) => `sum(${a}) AS ${a}`).join(', '),
    from: `FROM (SELECT ${cols}, ${direct} ${filtered} GROUP BY ${cols})`,
  };
}

export interface Series {
  key: Record<string, string | number>;
  total: number;
  points: [string, number][];
}

/** A metric over time, bucketed, one series per value of the split columns. */
export async function timeSeries(
  db: Db,
  input: TrafficInput & { split: SplitName },
  choose: (w: TimeWindow, columns: string[], o: { series: true }) => TableChoice = chooseTable,
): Promise<{ source: TableChoice; step: number; series: Series[] }> {
  const cols: string[] = SPLITS[input.split];
  const source = choose(input.window, [...fieldsOf(input.filter), ...cols], { series: true });
  const step = pickStep(input.window, source.resolution);
  const params = new ParamBag();
  const t = source.table;
  const splitSel = cols.map((c) => `${c === 'local_ip' ? ipTextSql(c) : c} AS s_${c}`);
  const filterSql = where(input, params);
  const table = fromSql(t, input.window, params, step);
  const bounded = cols.length && !['action', 'direction'].includes(cols[0]!);
  const topClause = bounded
    ? ` AND (${cols.join(', ')}) IN (SELECT ${cols.join(', ')} FROM ${table} WHERE ${filterSql} ` +
      `GROUP BY ${cols.join(', ')} ORDER BY ${metricSql(input.metric, t)} DESC LIMIT ${TOP_SERIES})`
    : '';
  const query =
    `SELECT toStartOfInterval(time, INTERVAL ${params.add('UInt32', step)} SECOND) AS t, ` +
    `${[...splitSel, `${metricSql(input.metric, t)} AS m_v`].join(', ')} ` +
    `FROM ${table} WHERE ${filterSql}${topClause} ` +
    `GROUP BY ${['t', ...cols].join(', ')} ORDER BY t`;
  const rows = await readRows(db, query, params.values, PointRow);
  return { source, step, series: zeroFill(groupSeries(rows, cols), input.window, step) };
}

/**
 * Adds zero points for empty buckets, so stacked charts do not draw lines across gaps. Buckets
 * follow `toStartOfInterval(time, INTERVAL step SECOND)`, i.e. multiples of the step since the epoch.
 */
export function zeroFill(series: Series[], window: TimeWindow, step: number): Series[] {
  const stepMs = step * 1000;
  const first = Math.floor(window.from.getTime() / stepMs) * stepMs;
  const buckets: string[] = [];
  for (let t = first; t < window.to.getTime(); t += stepMs) buckets.push(new Date(t).toISOString());
  return series.map((s) => {
    const byTime = new Map(s.points);
    return { ...s, points: buckets.map((b) => [b, byTime.get(b) ?? 0] as [string, number]) };
  });
}

function groupSeries(rows: PointRow[], cols: string[]): Series[] {
  const byKey = new Map<string, Series>();
  for (const r of rows) {
    const key = Object.fromEntries(cols.map((c) => [c, r[`s_${c}`]!]));
    const id = JSON.stringify(key);
    let s = byKey.get(id);
    if (!s) {
      s = { key, total: 0, points: [] };
      byKey.set(id, s);
    }
    s.total += r.m_v;
    s.points.push([r.t, r.m_v]);
  }
  return [...byKey.values()].sort((a, b) => b.total - a.total);
}
