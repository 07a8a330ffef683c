import { createMaterializedView, createTable, onCluster, storageName } from '../ddl.js';
import { lookBackRetention } from './0710_analyzer_rollups.js';
import type { Migration, SchemaOptions } from './types.js';

/**
 * `flows_internal_1h`: per hour, the (source, destination, port, direction, action) of every flow
 * between two private addresses, plus the web ports (80/443) the internet reached on allowed
 * inbound rows. It is the lateral-movement analyzer's look-back (issue 17): the known
 * (source, destination, port) pairs, a source's admin peers, and the tiers each host serves
 * (web from public clients; domain controller and data ports from internal ones) are read from
 * here for the look-back's whole hours, and from raw `flows` only for the window and the partial
 * hours at both ends, so a tick's cost follows its window, not the stored days.
 *
 * The view's filter does not depend on configuration (management and data ports are configurable):
 * every private pair is kept, whatever its port. `local_ip`/`remote_ip` follow from `direction`
 * exactly as in `flows` (migration 0001), so they are not stored. Same arrival key (`stored_on`),
 * deduplication, one-time backfill and retention as the 0710 rollups.
 */
export const migration0730: Migration = {
  version: '0730',
  name: 'analyzer rollup: internal pairs and served web ports per hour (lateral movement)',
  up: (opts) => internalPairsRollup(opts, 'toYYYYMM(time)'),
};

/**
 * The rollup's table, its one-time backfill and its view. 0730 partitioned it by month; 0740 builds
 * it again by day (its sorting key does not start with the hour, so only partitions bound a read to
 * the look-back's days).
 */
export function internalPairsRollup(opts: SchemaOptions, partitionBy: string): string[] {
  return [
    ...createTable(opts, {
      name: 'flows_internal_1h',
      columns: INTERNAL_COLUMNS,
      engine: 'AggregatingMergeTree',
      partitionBy,
      orderBy: `(${INTERNAL_KEYS.join(', ')})`,
      ...lookBackRetention(opts),
      settings: ['ttl_only_drop_parts = 1', 'non_replicated_deduplication_window = 10000'],
    }),
    // Idempotent backfill, as in 0710: empty, then roll up what is stored, then attach the view.
    // The daily sums chained on this table (0780) are emptied too when they exist (this migration run
    // again): the backfill's insert feeds them afresh instead of a second time.
    `TRUNCATE TABLE IF EXISTS ${storageName(opts, 'flows_internal_1h')}${onCluster(opts)}`,
    `TRUNCATE TABLE IF EXISTS ${storageName(opts, 'flows_internal_1d')}${onCluster(opts)}`,
    `INSERT INTO flows_internal_1h ${internalPairsSelect('flows')}`,
    createMaterializedView(opts, {
      name: 'flows_internal_1h_mv',
      from: 'flows',
      to: 'flows_internal_1h',
      select: internalPairsSelect,
    }),
  ];
}

/** Flows the rollup keeps: private peers (any port), and allowed inbound web from anywhere. */
export const INTERNAL_PAIRS_WHERE =
  "NOT remote_is_public OR (dst_port IN (80, 443) AND direction = 'inbound' AND action = 'allow')";

const T = `DateTime64(3, 'UTC')`;
/**
 * Sorting key: port and responder first, then the initiator, then the hour. The analyzer reads the
 * history of its window's candidates only (their pairs, their sources, the hosts they reach), so
 * the key prunes to those keys' granules whatever the stored days; months partition it for TTL.
 */
export const INTERNAL_KEYS = [
  'dst_port',
  'dst_ip',
  'src_ip',
  'time',
  'direction',
  'action',
  'remote_is_public',
  'stored_on',
];
export const INTERNAL_COLUMNS = [
  `time DateTime('UTC') CODEC(DoubleDelta, LZ4)`,
  'dst_port UInt16',
  'src_ip IPv6 CODEC(ZSTD(1))',
  'dst_ip IPv6 CODEC(ZSTD(1))',
  `direction Enum8('inbound' = 1, 'outbound' = 2)`,
  `action Enum8('allow' = 1, 'deny' = 2)`,
  'remote_is_public Bool',
  'stored_on Date',
  'flows SimpleAggregateFunction(sum, UInt64)',
  'bytes SimpleAggregateFunction(sum, UInt64)',
  `first_seen SimpleAggregateFunction(min, ${T})`,
  `last_seen SimpleAggregateFunction(max, ${T})`,
];

/** The view's query; the subquery names the flow time `t`, because `time` is the hour it outputs. */
function internalPairsSelect(from: string): string {
  return (
    'SELECT toStartOfHour(t) AS time, dst_port, src_ip, dst_ip, direction, action, remote_is_public, ' +
    'toDate(ingested_at) AS stored_on, count() AS flows, sum(bytes_sent + bytes_received) AS bytes, ' +
    'min(t) AS first_seen, max(t) AS last_seen ' +
    'FROM (SELECT time AS t, ingested_at, dst_port, src_ip, dst_ip, direction, action, remote_is_public, ' +
    `bytes_sent, bytes_received FROM ${from} WHERE ${INTERNAL_PAIRS_WHERE}) ` +
    `GROUP BY ${INTERNAL_KEYS.join(', ')}`
  );
}
