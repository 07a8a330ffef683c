import { createMaterializedView, createTable, onCluster, storageName, ttlDays } from '../ddl.js';
import type { Migration, SchemaOptions } from './types.js';

/**
 * Hourly rollups the analyzers read for their look-back, so a tick reads the new window from raw
 * `flows` plus a compact history whose cost does not grow with the stored days (issue 17):
 *
 * - `flows_egress_1h`: what each local host uploaded to each public address per hour on connections
 *   it opened (the exfiltration analyzer's egress rows: outbound, allowed, public, `bytes_sent > 0`).
 *   Sorted by host first: the analyzer reads the history of its few candidate hosts only.
 * - `flows_contact_1h`: the first outbound contact with each public address per hour, by any host and
 *   any action (exfiltration's "fleet first contact").
 * - `flows_span_1h`: the first flow of each hour (how far back the stored data reaches).
 *
 * Keys are raw addresses, not destination groups: groups depend on configuration and enrichment
 * data, so they are computed when read, exactly as over raw flows. Inserts into `flows` feed the views
 * with the same deduplication token (`deduplicate_blocks_in_dependent_materialized_views`), so a
 * replayed range adds nothing here either. Rows already stored are rolled up once by this migration
 * (one read of `flows` at upgrade) before the views are attached; rows another process writes during
 * those seconds are missing from the history (stop ingest processes for the upgrade).
 * Retention: the hour rollups' days (`database.retention.hourDays`) at creation.
 */
export const migration0710: Migration = {
  version: '0710',
  name: 'analyzer rollups: egress, first contact and data span per hour',
  up: (opts) => ROLLUPS.flatMap((r) => rollup(opts, r)),
};

/** The views select from a subquery naming the flow time `t`: `time` is the hour they output. */
interface Rollup {
  name: string;
  columns: string[];
  orderBy: string;
  /** The view's query over `flows` (`from`: its storage name). */
  select: (from: string) => string;
}

const T = `DateTime64(3, 'UTC')`;
const ROLLUPS: Rollup[] = [
  {
    name: 'flows_egress_1h',
    columns: [
      `time DateTime('UTC') CODEC(DoubleDelta, LZ4)`,
      'local_ip IPv6',
      'remote_ip IPv6 CODEC(ZSTD(1))',
      'bytes SimpleAggregateFunction(sum, UInt64)',
      'flows SimpleAggregateFunction(sum, UInt64)',
      `first_seen SimpleAggregateFunction(min, ${T})`,
      `last_seen SimpleAggregateFunction(max, ${T})`,
    ],
    orderBy: '(local_ip, time, remote_ip)',
    select: (from) =>
      'SELECT toStartOfHour(t) AS time, local_ip, remote_ip, sum(bytes_sent) AS bytes, count() AS flows, ' +
      'min(t) AS first_seen, max(t) AS last_seen ' +
      `FROM (SELECT time AS t, local_ip, remote_ip, bytes_sent FROM ${from} ` +
      "WHERE remote_is_public AND direction = 'outbound' AND action = 'allow' AND bytes_sent > 0) " +
      'GROUP BY time, local_ip, remote_ip',
  },
  {
    name: 'flows_contact_1h',
    columns: [
      `time DateTime('UTC') CODEC(DoubleDelta, LZ4)`,
      'remote_ip IPv6 CODEC(ZSTD(1))',
      `first_seen SimpleAggregateFunction(min, ${T})`,
    ],
    orderBy: '(time, remote_ip)',
    select: (from) =>
      'SELECT toStartOfHour(t) AS time, remote_ip, min(t) AS first_seen ' +
      `FROM (SELECT time AS t, remote_ip FROM ${from} WHERE remote_is_public AND direction = 'outbound') ` +
      'GROUP BY time, remote_ip',
  },
  {
    name: 'flows_span_1h',
    columns: [
      `time DateTime('UTC') CODEC(DoubleDelta, LZ4)`,
      `first_seen SimpleAggregateFunction(min, ${T})`,
    ],
    orderBy: 'time',
    select: (from) =>
      `SELECT toStartOfHour(t) AS time, min(t) AS first_seen FROM (SELECT time AS t FROM ${from}) GROUP BY time`,
  },
];

function rollup(opts: SchemaOptions, r: Rollup): string[] {
  const ttl = ttlDays('time', opts.hourTtlDays);
  return [
    ...createTable(opts, {
      name: r.name,
      columns: r.columns,
      engine: 'AggregatingMergeTree',
      partitionBy: 'toYYYYMM(time)',
      orderBy: r.orderBy,
      ...(ttl ? { ttl } : {}),
      settings: ['ttl_only_drop_parts = 1', 'non_replicated_deduplication_window = 10000'],
    }),
    // Idempotent backfill (a migration that failed half-way runs again): empty, then roll up what is
    // stored. Cluster mode goes through the Distributed tables: one node's statement covers every shard.
    `TRUNCATE TABLE IF EXISTS ${storageName(opts, r.name)}${onCluster(opts)}`,
    `INSERT INTO ${r.name} ${r.select('flows')}`,
    createMaterializedView(opts, { name: `${r.name}_mv`, from: 'flows', to: r.name, select: r.select }),
  ];
}
