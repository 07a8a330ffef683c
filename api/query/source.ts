import { FIELDS } from '../filter/fields.js';
import type { TimeWindow } from './time.js';

export type FlowTable = 'flows' | 'flows_1m' | 'flows_1h';

/** Columns the rollup tables carry (besides time and the counters). */
export const ROLLUP_COLUMNS: ReadonlySet<string> = new Set(FIELDS.filter((f) => f.rollup).map((f) => f.name));

/** Minute rollups answer ranges up to this long; longer ranges read hourly rollups. */
export const MINUTE_ROLLUP_MAX_SPAN_MS = 2 * 86400e3;

export interface TableChoice {
  table: FlowTable;
  /** Smallest meaningful bucket on that table, in seconds. */
  resolution: number;
}

/**
 * The smallest table that can answer (Akvorado's rule): rollups when every column the query
 * filters or groups on is a rollup column, the raw `flows` table otherwise.
 * @see https://clickhouse.com/docs/engines/table-engines/mergetree-family/summingmergetree
 */
export function chooseTable(window: TimeWindow, columns: Iterable<string>): TableChoice {
  for (const c of columns) if (!ROLLUP_COLUMNS.has(c)) return { table: 'flows', resolution: 1 };
  const span = window.to.getTime() - window.from.getTime();
  return span <= MINUTE_ROLLUP_MAX_SPAN_MS
    ? { table: 'flows_1m', resolution: 60 }
    : { table: 'flows_1h', resolution: 3600 };
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
