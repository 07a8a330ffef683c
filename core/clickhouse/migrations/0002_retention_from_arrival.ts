import { onCluster, storageName } from '../ddl.js';
import type { Migration, SchemaOptions } from './types.js';

/**
 * Retention counts from arrival: a row is kept for the configured days from the later of its flow
 * time and the time it was stored, so a backfill of old logs stays queryable for the full retention
 * after it is imported (a TTL on the flow time alone dropped 2017–2024 logs the moment they landed).
 *
 * - `flows` already records its arrival (`ingested_at`), so only the TTL changes.
 * - The rollups get `stored_on Date`, the UTC day their rows were stored, as the last column of the
 *   summing key. A SummingMergeTree keeps an arbitrary value of a column outside the key when rows
 *   merge (measured on chDB: the oldest part's value, also for a `SimpleAggregateFunction(max)`), so
 *   an arrival column outside the key would let a late row inherit an earlier arrival and expire
 *   early. In the key, rows stored on different days stay apart and each expires from its own day.
 *   A day keeps the rollups compact (a bucket is normally fed within an hour or two).
 * - The rollup TTL counts from the end of the arrival day, so a row is kept at least the configured
 *   days after it was stored.
 * - Rows stored before this migration have no `stored_on` (a column added to a sorting key cannot
 *   have a default): they read as 1970-01-01 and keep the flow-time rule they were stored under.
 * - The views now carry the arrival day: `toDate(ingested_at)` from `flows`, `stored_on` from
 *   `flows_1m`. `MODIFY QUERY` swaps the query in place (no window where inserts skip the rollups).
 * - TTL changes are not materialized on existing parts (that would read every part at upgrade); the
 *   new rule applies to parts as they are written and merged.
 * @see https://clickhouse.com/docs/sql-reference/statements/alter/order-by
 * @see https://clickhouse.com/docs/sql-reference/statements/alter/view#alter-table-modify-query-statement
 */
export const migration0002: Migration = {
  version: '0002',
  name: 'retention counts from arrival (flows TTL, rollup stored_on)',
  up: (opts) => [
    ...rollupArrival(opts, 'flows_1m'),
    ...rollupArrival(opts, 'flows_1h'),
    `ALTER TABLE flows_1m_mv${onCluster(opts)} MODIFY QUERY ${minuteView(storageName(opts, 'flows'))}`,
    `ALTER TABLE flows_1h_mv${onCluster(opts)} MODIFY QUERY ${hourView(storageName(opts, 'flows_1m'))}`,
    ...ttlStatements(opts),
  ],
};

/** The arrival-based TTL expression (without the days) of each table that ages by retention. */
export const ARRIVAL_TTL = {
  flows: 'greatest(toDateTime(time), toDateTime(ingested_at))',
  flows_1m: "greatest(time, toDateTime(stored_on, 'UTC') + INTERVAL 1 DAY)",
  flows_1h: "greatest(time, toDateTime(stored_on, 'UTC') + INTERVAL 1 DAY)",
  // Created later (migrations 0700, 0710, 0720, 0730, 0760, 0780) with the same arrival rule; listed so retention reconciles them.
  flows_remote_1h: "greatest(time, toDateTime(stored_on, 'UTC') + INTERVAL 1 DAY)",
  flows_remote_1d: "greatest(time, toDateTime(stored_on, 'UTC') + INTERVAL 1 DAY)",
  flows_egress_1h: "greatest(time, toDateTime(stored_on, 'UTC') + INTERVAL 1 DAY)",
  flows_contact_1h: "greatest(time, toDateTime(stored_on, 'UTC') + INTERVAL 1 DAY)",
  flows_span_1h: "greatest(time, toDateTime(stored_on, 'UTC') + INTERVAL 1 DAY)",
  flows_internal_1h: "greatest(time, toDateTime(stored_on, 'UTC') + INTERVAL 1 DAY)",
  flows_internal_1d: "greatest(time, toDateTime(stored_on, 'UTC') + INTERVAL 1 DAY)",
  flow_log_hours: "greatest(hour, toDateTime(stored_on, 'UTC') + INTERVAL 1 DAY)",
  // Migration 0770's cache: kept at least the raw retention after its day ended and after it was computed.
  rule_key_days: "greatest(toDateTime(day, 'UTC') + INTERVAL 1 DAY, toDateTime(watermark))",
} as const;

/** The column each TTL reads for arrival; a TTL without it is the old flow-time rule. */
export const ARRIVAL_COLUMN: Record<keyof typeof ARRIVAL_TTL, string> = {
  flows: 'ingested_at',
  flows_1m: 'stored_on',
  flows_1h: 'stored_on',
  flows_remote_1h: 'stored_on',
  flows_remote_1d: 'stored_on',
  flows_egress_1h: 'stored_on',
  flows_contact_1h: 'stored_on',
  flows_span_1h: 'stored_on',
  flows_internal_1h: 'stored_on',
  flows_internal_1d: 'stored_on',
  flow_log_hours: 'stored_on',
  rule_key_days: 'watermark',
};

/** Retention days per table from the schema options. */
export function retentionDays(opts: SchemaOptions): [keyof typeof ARRIVAL_TTL, number][] {
  return [
    ['flows', opts.rawTtlDays],
    ['flows_1m', opts.minuteTtlDays],
    ['flows_1h', opts.hourTtlDays],
  ];
}

/** `MODIFY TTL` without rewriting existing parts (parts drop whole with `ttl_only_drop_parts`). */
export function modifyTtl(opts: SchemaOptions, table: keyof typeof ARRIVAL_TTL, days: number): string {
  return (
    `ALTER TABLE ${storageName(opts, table)}${onCluster(opts)} MODIFY TTL ${ARRIVAL_TTL[table]} + INTERVAL ${days} DAY DELETE ` +
    'SETTINGS materialize_ttl_after_modify = 0'
  );
}

function ttlStatements(opts: SchemaOptions): string[] {
  return retentionDays(opts)
    .filter(([, days]) => days > 0)
    .map(([table, days]) => modifyTtl(opts, table, Math.floor(days)));
}

const ROLLUP_KEY =
  '(time, nsg, rule_name, direction, action, protocol, dst_port, local_ip, remote_is_public, format, rule_kind, stored_on)';
const DIMS =
  'format, nsg, rule_name, rule_kind, direction, action, protocol, dst_port, local_ip, remote_is_public';
const SUMS =
  'sum(packets_sent) AS packets_sent, sum(bytes_sent) AS bytes_sent, ' +
  'sum(packets_received) AS packets_received, sum(bytes_received) AS bytes_received';

function rollupArrival(opts: SchemaOptions, table: string): string[] {
  const local = storageName(opts, table);
  const statements = [
    `ALTER TABLE ${local}${onCluster(opts)} ADD COLUMN IF NOT EXISTS stored_on Date, MODIFY ORDER BY ${ROLLUP_KEY}`,
  ];
  // Cluster mode: the Distributed table queries use must show the column too.
  if (opts.cluster)
    statements.push(`ALTER TABLE ${table}${onCluster(opts)} ADD COLUMN IF NOT EXISTS stored_on Date`);
  return statements;
}

function minuteView(from: string): string {
  return (
    `SELECT toStartOfMinute(time) AS time, ${DIMS}, toDate(ingested_at) AS stored_on, count() AS flows, ${SUMS} ` +
    `FROM ${from} GROUP BY time, ${DIMS}, stored_on`
  );
}

function hourView(from: string): string {
  return (
    `SELECT toStartOfHour(time) AS time, ${DIMS}, stored_on, sum(flows) AS flows, ${SUMS} ` +
    `FROM ${from} GROUP BY time, ${DIMS}, stored_on`
  );
}
