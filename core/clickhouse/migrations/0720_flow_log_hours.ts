import { createMaterializedView, createTable } from '../ddl.js';
import { ARRIVAL_TTL } from './0002_retention_from_arrival.js';
import type { Migration } from './types.js';

/**
 * `flow_log_hours`: per hour and source (blob, file, partition), what the ingest health page needs
 * about each flow log — rows, bytes, first and newest flow, newest arrival. The page reads the
 * whole rules window (30 days by default) on every load; over raw `flows` that cost grows with the
 * stored rows (0.9 s at 2 M rows against 0.15 s for a plain group-by), here with the number of
 * blob-hours. `source` is in the key because a flow log's drill-down lists its sources.
 * SimpleAggregateFunction columns merge like the aggregate they name, so the table stays exact
 * after background merges; readers still aggregate (`sum`, `max`, …), never read a row as final.
 * Retention counts from arrival, as for the other rollups (migration 0002): `stored_on`, the UTC day
 * rows were stored, is the last key column, and the TTL (reconciled at every start by
 * `applyRetention`, hourly-rollup retention) counts from the later of flow time and that day.
 * Existing rows are copied once when the migration runs (an `INSERT … SELECT` from `flows`), so an
 * upgraded install shows its history; rows inserted during that copy may be counted twice on the
 * page (counts only — `flows` is untouched). The copy carries a fixed deduplication token, so two
 * instances migrating at once do not copy twice.
 * @see https://clickhouse.com/docs/engines/table-engines/mergetree-family/aggregatingmergetree
 */
const SELECT_COLUMNS =
  'toStartOfHour(time) AS hour, format, nsg, target_resource, source, ' +
  'any(flow_log) AS flow_log, any(subscription_id) AS subscription_id, any(resource_group) AS resource_group, ' +
  'count() AS rows, sum(bytes_sent + bytes_received) AS bytes, min(time) AS first_flow, ' +
  'max(time) AS newest_flow, max(ingested_at) AS newest_arrival, toDate(ingested_at) AS stored_on';
const GROUP = 'GROUP BY hour, format, nsg, target_resource, source, stored_on';

export const migration0720: Migration = {
  version: '0720',
  name: 'flow_log_hours: per flow log, hour and source rollup for ingest health',
  up: (opts) => [
    ...createTable(opts, {
      name: 'flow_log_hours',
      columns: [
        `hour DateTime('UTC') CODEC(DoubleDelta, LZ4)`,
        'format LowCardinality(String)',
        'nsg LowCardinality(String)',
        'target_resource LowCardinality(String)',
        'source LowCardinality(String)',
        'flow_log SimpleAggregateFunction(any, LowCardinality(String))',
        'subscription_id SimpleAggregateFunction(any, LowCardinality(String))',
        'resource_group SimpleAggregateFunction(any, LowCardinality(String))',
        'rows SimpleAggregateFunction(sum, UInt64)',
        'bytes SimpleAggregateFunction(sum, UInt64)',
        `first_flow SimpleAggregateFunction(min, DateTime64(3, 'UTC'))`,
        `newest_flow SimpleAggregateFunction(max, DateTime64(3, 'UTC'))`,
        `newest_arrival SimpleAggregateFunction(max, DateTime64(3, 'UTC'))`,
        'stored_on Date',
      ],
      engine: 'AggregatingMergeTree',
      partitionBy: 'toYYYYMM(hour)',
      orderBy: '(hour, format, nsg, target_resource, source, stored_on)',
      ...(opts.hourTtlDays > 0
        ? { ttl: `${ARRIVAL_TTL.flow_log_hours} + INTERVAL ${Math.floor(opts.hourTtlDays)} DAY DELETE` }
        : {}),
      settings: ['ttl_only_drop_parts = 1', 'non_replicated_deduplication_window = 10000'],
    }),
    createMaterializedView(opts, {
      name: 'flow_log_hours_mv',
      from: 'flows',
      to: 'flow_log_hours',
      select: (from) => `SELECT ${SELECT_COLUMNS} FROM ${from} ${GROUP}`,
    }),
    // Through the Distributed tables in cluster mode: each shard's rows reach some shard once.
    `INSERT INTO flow_log_hours SELECT ${SELECT_COLUMNS} FROM flows ${GROUP} ` +
      "SETTINGS insert_deduplicate = 1, insert_deduplication_token = 'migration-0720-backfill'",
  ],
};
