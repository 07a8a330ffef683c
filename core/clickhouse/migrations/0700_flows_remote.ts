import { createMaterializedView, createTable, storageName, ttlDays } from '../ddl.js';
import { ARRIVAL_TTL } from './0002_retention_from_arrival.js';
import type { Migration, SchemaOptions } from './types.js';

/**
 * `flows_remote_1h`: hourly sums keyed by the peer address. `flows_1m`/`flows_1h` have no remote
 * address, so every top-N by peer (egress destinations, exposure sources, conversations) and by what
 * is looked up from it (country, AS, service tag, threat list) scanned raw `flows`. This
 * rollup answers the peer-side ones, and the dictionary lookups run once per distinct peer
 * (api/query/source.ts).
 *
 * - Key: peer address, direction, action, `remote_is_public`, protocol and destination port — what
 *   the egress, exposure-source and geography views filter and group on. No local address: measured
 *   at 100 M rows / 30 days density (139 k flows an hour), adding `local_ip` left 1.1–1.2× fewer
 *   rows than raw `flows` on both synthetic generators (test/harness/api-seed.ts, bench/scale-data.ts),
 *   against 5.9× and 2.2× without it (13× and 4× without the port too), so conversations, flow types
 *   and the subnet matrix keep reading raw `flows`.
 * - Fed from `flows` (not chained from `flows_1m`, which has no remote address); `stored_on` as in
 *   migration 0002, so its TTL counts from arrival.
 * - Retention follows raw `flows` (`retention.rawDays`), not the hour rollup: it holds remote
 *   addresses (kept about as long as the raw rows they summarize: up to a day longer, as it knows
 *   the arrival day, not the time; docs/data-model.md), and its size is of the order of raw rows
 *   when peers rarely repeat within an hour. Reconciled at start with the others (migrate.ts).
 * - Partitions per day as `flows`, so expired days drop whole (`ttl_only_drop_parts`).
 * - Backfill: right after the view exists, the rows already in `flows` (stored before the backfill
 *   statement started) are summed in once; later rows reach the rollup through the view. A row
 *   inserted in the milliseconds between creating the view and starting the backfill is counted
 *   twice in the rollup (never in `flows`); upgrade with ingest stopped to rule it out
 *   (docs/data-model.md). chDB reports no creation time for the view
 *   (`system.tables.metadata_modification_time` is 1970), so that cannot be the cutoff.
 * @see https://clickhouse.com/docs/engines/table-engines/mergetree-family/summingmergetree
 */
export const migration0700: Migration = {
  version: '0700',
  name: 'flows_remote_1h: hourly rollup keyed by remote address',
  up: (opts) => [
    ...createTable(opts, {
      name: REMOTE_ROLLUP,
      columns: REMOTE_COLUMNS,
      engine: 'SummingMergeTree((flows, packets_sent, bytes_sent, packets_received, bytes_received))',
      partitionBy: 'toYYYYMMDD(time)',
      orderBy: REMOTE_KEY,
      ...optionalTtl(ttlDays(ARRIVAL_TTL.flows_remote_1h, opts.rawTtlDays)),
      settings: ['ttl_only_drop_parts = 1', 'non_replicated_deduplication_window = 10000'],
      shardBy: 'cityHash64(remote_ip)',
    }),
    createMaterializedView(opts, {
      name: `${REMOTE_ROLLUP}_mv`,
      from: 'flows',
      to: REMOTE_ROLLUP,
      select: (from) => remoteView(from),
    }),
    backfill(opts),
  ],
};

export const REMOTE_ROLLUP = 'flows_remote_1h';

/** The dimensions besides time and arrival day; `flows_remote_1h` sums the counters over them. */
export const REMOTE_DIMS = 'direction, action, remote_is_public, remote_ip, protocol, dst_port';

const REMOTE_KEY = `(time, ${REMOTE_DIMS}, stored_on)`;

export const REMOTE_COLUMNS = [
  `time DateTime('UTC') CODEC(DoubleDelta, LZ4)`,
  `direction Enum8('inbound' = 1, 'outbound' = 2)`,
  `action Enum8('allow' = 1, 'deny' = 2)`,
  'remote_is_public Bool',
  'remote_ip IPv6 CODEC(ZSTD(1))',
  'protocol UInt8',
  'dst_port UInt16',
  'stored_on Date',
  'flows UInt64 CODEC(T64, LZ4)',
  'packets_sent UInt64 CODEC(T64, LZ4)',
  'bytes_sent UInt64 CODEC(T64, LZ4)',
  'packets_received UInt64 CODEC(T64, LZ4)',
  'bytes_received UInt64 CODEC(T64, LZ4)',
];

function remoteView(from: string, where = ''): string {
  return (
    `SELECT toStartOfHour(time) AS time, ${REMOTE_DIMS}, toDate(ingested_at) AS stored_on, count() AS flows, ` +
    'sum(packets_sent) AS packets_sent, sum(bytes_sent) AS bytes_sent, ' +
    'sum(packets_received) AS packets_received, sum(bytes_received) AS bytes_received ' +
    `FROM ${from}${where} GROUP BY time, ${REMOTE_DIMS}, stored_on`
  );
}

/**
 * Sums the rows stored before the view existed. Cluster mode: through the Distributed tables (an
 * INSERT cannot run ON CLUSTER), so one node's migration fills every shard.
 */
function backfill(opts: SchemaOptions): string {
  const target = opts.cluster ? REMOTE_ROLLUP : storageName(opts, REMOTE_ROLLUP);
  // now64() is taken once, when the statement starts: rows the view already saw are newer. A fixed
  // token makes a second run (two instances migrating at once, or a crash before the migration was
  // recorded) a duplicate the table drops instead of summing every stored flow twice. A second run
  // after 0700 was recorded selects nothing: the table drops a duplicate, but the view chained on
  // it (0760's daily rollup) is still fed the block and never saw the first run (measured on chDB).
  return (
    `INSERT INTO ${target} ${remoteView('flows', ` WHERE ingested_at < now64(3) AND ${unrecorded('0700')}`)} ` +
    "SETTINGS insert_deduplicate = 1, insert_deduplication_token = 'migration-0700-backfill'"
  );
}

/** True while a migration is not recorded: a backfill run again after it was adds nothing. */
export function unrecorded(version: string): string {
  return `(SELECT count() FROM schema_migrations WHERE version = '${version}') = 0`;
}

function optionalTtl(ttl: string | undefined): { ttl?: string } {
  return ttl ? { ttl } : {};
}
