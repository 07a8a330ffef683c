import { REMOTE_DIMS, REMOTE_ROLLUP } from '../../core/clickhouse/migrations/0700_flows_remote.js';
import { REMOTE_DAILY } from '../../core/clickhouse/migrations/0760_flows_remote_daily.js';
import { DAY_MS, HOUR_MS, wholeHours as hoursOf, tierSpans } from '../../core/clickhouse/time.js';
import { FIELDS } from '../filter/fields.js';
import type { ParamBag } from './params.js';
import { chTime, pickStep, type TimeWindow, timeRangeSql } from './time.js';

export type FlowTable = 'flows' | 'flows_1m' | 'flows_1h' | 'flows_remote_1h';

/** Columns the rollup tables carry (besides time and the counters). */
export const ROLLUP_COLUMNS: ReadonlySet<string> = new Set(FIELDS.filter((f) => f.rollup).map((f) => f.name));

/** Columns `flows_remote_1h` answers: its own and what is looked up from the peer address. */
export const REMOTE_ROLLUP_COLUMNS: ReadonlySet<string> = new Set(
  FIELDS.filter((f) => f.remoteRollup).map((f) => f.name),
);

/** Minute rollups answer ranges up to this long; longer ranges read hourly rollups. */
export const MINUTE_ROLLUP_MAX_SPAN_MS = 2 * 86400e3;

export interface TableChoice {
  table: FlowTable;
  /** Smallest meaningful bucket on that table, in seconds. */
  resolution: number;
  /** Peer rollups: skip the daily tier, read whole hours only (benches compare the two). */
  hoursOnly?: boolean;
}

/**
 * The smallest table that can answer (Akvorado's rule): rollups when every column the query
 * filters or groups on is a rollup column; `flows_remote_1h` when every column is one of its own
 * (the peer address, a lookup from it, direction, action, public, protocol, port) and the window
 * holds a whole hour; the raw `flows` table otherwise.
 * @see https://clickhouse.com/docs/engines/table-engines/mergetree-family/summingmergetree
 */
export function chooseTable(
  window: TimeWindow,
  columns: Iterable<string>,
  opts: { series?: boolean } = {},
): TableChoice {
  const cols = [...columns];
  if (!cols.every((c) => ROLLUP_COLUMNS.has(c))) return remoteOrRaw(window, cols, opts.series ?? false);
  const span = window.to.getTime() - window.from.getTime();
  return span <= MINUTE_ROLLUP_MAX_SPAN_MS
    ? { table: 'flows_1m', resolution: 60 }
    : { table: 'flows_1h', resolution: 3600 };
}

/**
 * `flows_remote_1h` when it carries every column and the window holds a whole hour; for a time
 * series also only when its buckets are hours anyway (a 24 h chart keeps its finer points).
 */
function remoteOrRaw(window: TimeWindow, cols: string[], series: boolean): TableChoice {
  const raw: TableChoice = { table: 'flows', resolution: 1 };
  if (!cols.every((c) => REMOTE_ROLLUP_COLUMNS.has(c))) return raw;
  if (wholeHours(window).from >= wholeHours(window).to) return raw;
  if (series && pickStep(window, 1) < 3600) return raw;
  return { table: REMOTE_ROLLUP, resolution: 3600 };
}

/** The whole hours inside a window: from its first hour boundary to its last. */
const wholeHours = (w: TimeWindow) => hoursOf(w.from, w.to);

const COUNTERS = 'packets_sent, bytes_sent, packets_received, bytes_received';

/** The peer tiers, coarsest first: whole days, then whole hours (raw `flows` below both). */
const PEER_TIERS: readonly [number, string][] = [
  [DAY_MS, REMOTE_DAILY],
  [HOUR_MS, REMOTE_ROLLUP],
];

/**
 * The FROM clause for a choice. `flows_remote_1h` becomes the exact answer for any window: its
 * whole days from `flows_remote_1d` (migration 0760), the partial days' whole hours from
 * `flows_remote_1h`, the partial hours at either end from raw `flows` (at most two hours of raw
 * rows), one row shape with `flows` counted (core/clickhouse/time.ts `tierSpans`). A 30-day top-N
 * reads ~30 daily rows per active peer instead of ~720 hourly ones. `stepSeconds`: a time series'
 * bucket; the daily tier is read only when its buckets are whole days (a day row has one time).
 * The caller's own `time` bounds still apply on top. Other choices are their table name.
 */
export function fromSql(
  table: FlowTable,
  window: TimeWindow,
  params: ParamBag,
  stepSeconds?: number,
): string {
  if (table !== REMOTE_ROLLUP) return table;
  const tiers = PEER_TIERS.filter(([unit]) => stepSeconds === undefined || (stepSeconds * 1000) % unit === 0);
  const spans = tierSpans(
    window.from.getTime(),
    window.to.getTime(),
    tiers.map(([unit]) => unit),
  );
  const at = (ms: number) => params.add('DateTime64(3)', chTime(new Date(ms)));
  // Raw spans also bound the sorting key's first column (timeRangeSql); rollups are keyed by time.
  const inSpans = (t: string, unit: number) =>
    spans
      .filter((s) => s.unit === unit)
      .map((s) =>
        unit === 0
          ? `(${timeRangeSql(at(s.from), at(s.to))})`
          : `(${t}.time >= ${at(s.from)} AND ${t}.time < ${at(s.to)})`,
      )
      .join(' OR ');
  const parts = tiers
    .filter(([unit]) => spans.some((s) => s.unit === unit))
    .map(
      ([unit, t]) =>
        `SELECT toDateTime64(time, 3, 'UTC') AS time, ${REMOTE_DIMS}, flows, ${COUNTERS} FROM ${t} WHERE ${inSpans(t, unit)}`,
    );
  if (spans.some((s) => s.unit === 0))
    parts.push(
      `SELECT time, ${REMOTE_DIMS}, toUInt64(1) AS flows, ${COUNTERS} FROM flows WHERE ${inSpans('flows', 0)}`,
    );
  return `(${parts.join(' UNION ALL ')}) AS ${REMOTE_ROLLUP}`;
}

export type Metric = 'bytes' | 'flows' | 'packets';

/** Aggregate SQL for a metric on a table (rollups pre-count flows). */
export function metricSql(metric: Metric, table: FlowTable, condition?: string): string {
  const agg = condition ? 'sumIf' : 'sum';
  const cond = condition ? `, ${condition}` : '';
  switch (metric) {
    case 'bytes':
      return `${agg}(bytes_sent + bytes_received${cond})`;
    case 'packets':
      return `${agg}(packets_sent + packets_received${cond})`;
    case 'flows':
      if (table === 'flows') return condition ? `countIf(${condition})` : 'count()';
      return `${agg}(flows${cond})`;
  }
}

/** IPv6 column as text, IPv4-mapped addresses as dotted quads. */
export function ipTextSql(column: string): string {
  return `replaceRegexpOne(IPv6NumToString(${column}), '^::ffff:', '')`;
}
