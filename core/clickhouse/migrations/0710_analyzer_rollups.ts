import { createMaterializedView, createTable, onCluster, storageName, ttlDays } from '../ddl.js';
import { ARRIVAL_TTL } from './0002_retention_from_arrival.js';
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
 * Retention: from arrival, the longer of raw and hour-rollup retention, rendered here and reconciled
 * at every start by `applyRetention` (core/clickhouse/migrate.ts) when the configuration changes.
 */
export const migration0710: Migration = {
  version: '0710',
  name: 'analyzer rollups: egress, first contact and data span per hour',
  up: (opts) => ROLLUPS.flatMap((r) => rollup(opts, r)),
};

/**
 * One rollup: the dimensions it keeps (`time` is the hour), the aggregates and the rows it takes.
 * Every rollup also keys on `stored_on`, the arrival day, as `flows_1h` does (migration 0002): a
 * backfill of old logs is kept for the retention from its arrival, exactly as its raw rows are.
 */
interface Rollup {
  name: string;
  /** Dimension columns after `time`, with their types. */
  dims: [string, string][];
  /** Aggregate columns: name, stored type, expression over the flow rows (`t` is the flow time). */
  aggs: [string, string, string][];
  /** Flow columns the aggregates read besides the time. */
  reads: string[];
  where: string;
  /** Sorting key before `stored_on`. */
  orderBy: string;
}

const T = `DateTime64(3, 'UTC')`;
const IP: [string, string][] = [
  ['local_ip', 'IPv6'],
  ['remote_ip', 'IPv6 CODEC(ZSTD(1))'],
];
const ROLLUPS: Rollup[] = [
  {
    name: 'flows_egress_1h',
    dims: IP,
    aggs: [
      ['bytes', 'sum, UInt64', 'sum(bytes_sent)'],
      ['flows', 'sum, UInt64', 'count()'],
      ['first_seen', `min, ${T}`, 'min(t)'],
      ['last_seen', `max, ${T}`, 'max(t)'],
    ],
    reads: ['bytes_sent'],
    where: "remote_is_public AND direction = 'outbound' AND action = 'allow' AND bytes_sent > 0",
    orderBy: 'local_ip, time, remote_ip',
  },
  {
    name: 'flows_contact_1h',
    dims: [IP[1]!],
    aggs: [['first_seen', `min, ${T}`, 'min(t)']],
    reads: [],
    where: "remote_is_public AND direction = 'outbound'",
    orderBy: 'time, remote_ip',
  },
  {
    name: 'flows_span_1h',
    dims: [],
    aggs: [['first_seen', `min, ${T}`, 'min(t)']],
    reads: [],
    where: '1',
    orderBy: 'time',
  },
];

/** The view's query; a subquery names the flow time `t`, because `time` is the hour it outputs. */
function viewSelect(r: Rollup, from: string): string {
  const dims = r.dims.map(([name]) => name);
  const inner = [
    'time AS t',
    'ingested_at',
    ...dims,
    ...(r.name === 'flows_egress_1h' ? ['bytes_sent'] : []),
  ];
  const keys = ['time', ...dims, 'stored_on'].join(', ');
  return (
    `SELECT toStartOfHour(t) AS time, ${dims.map((d) => `${d}, `).join('')}toDate(ingested_at) AS stored_on, ` +
    `${r.aggs.map(([name, , expr]) => `${expr} AS ${name}`).join(', ')} ` +
    `FROM (SELECT ${inner.join(', ')} FROM ${from} WHERE ${r.where}) GROUP BY ${keys}`
  );
}

function columns(r: Rollup): string[] {
  return [
    `time DateTime('UTC') CODEC(DoubleDelta, LZ4)`,
    ...r.dims.map(([name, type]) => `${name} ${type}`),
    'stored_on Date',
    ...r.aggs.map(([name, type]) => `${name} SimpleAggregateFunction(${type})`),
  ];
}

/**
 * Kept at least as long as the raw rows (so a look-back over stored flows always finds its
 * rollup) and as the hour rollups; 0 (forever) when either is kept forever. Counted from arrival.
 */
export function lookBackRetention(opts: SchemaOptions): { ttl?: string } {
  const ttl = ttlDays(ARRIVAL_TTL.flows_egress_1h, lookBackDays(opts));
  return ttl ? { ttl } : {};
}

/** Days the analyzers' look-back rollups (0710, 0730) are kept: also reconciled by `applyRetention`. */
export function lookBackDays(opts: SchemaOptions): number {
  return opts.rawTtlDays > 0 && opts.hourTtlDays > 0 ? Math.max(opts.rawTtlDays, opts.hourTtlDays) : 0;
}

function rollup(opts: SchemaOptions, r: Rollup): string[] {
  return [
    ...createTable(opts, {
      name: r.name,
      columns: columns(r),
      engine: 'AggregatingMergeTree',
      partitionBy: 'toYYYYMM(time)',
      orderBy: `(${r.orderBy}, stored_on)`,
      ...lookBackRetention(opts),
      settings: ['ttl_only_drop_parts = 1', 'non_replicated_deduplication_window = 10000'],
    }),
    // Idempotent backfill (a migration that failed half-way runs again): empty, then roll up what is
    // stored. Cluster mode goes through the Distributed tables: one node's statement covers every shard.
    `TRUNCATE TABLE IF EXISTS ${storageName(opts, r.name)}${onCluster(opts)}`,
    `INSERT INTO ${r.name} ${viewSelect(r, 'flows')}`,
    createMaterializedView(opts, {
      name: `${r.name}_mv`,
      from: 'flows',
      to: r.name,
      select: (from) => viewSelect(r, from),
    }),
  ];
}
