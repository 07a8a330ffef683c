import { createMaterializedView, createTable, storageName, ttlDays } from '../ddl.js';
import { ARRIVAL_TTL } from './0002_retention_from_arrival.js';
import { REMOTE_COLUMNS, REMOTE_DIMS, REMOTE_ROLLUP, unrecorded } from './0700_flows_remote.js';
import type { Migration, SchemaOptions } from './types.js';

/**
 * `flows_remote_1d`: the peer rollup of migration 0700 summed per UTC day. At 100 M flows over
 * 30 days a 30-day peer top-N (egress destinations, countries, AS, service tags) read ~17 M hourly
 * rows and took 4–5 s; read by whole days from here, hours of `flows_remote_1h` for the partial
 * days and raw `flows` for the partial hours (api/query/source.ts), it reads the rows a peer makes
 * per day, not per hour.
 *
 * - Same key, columns, arrival day (`stored_on`), retention (raw days) and daily partitions as
 *   `flows_remote_1h`, so the two expire together and answer the same windows.
 * - Chained from `flows_remote_1h` (a view on its inserts): the blocks it gets are already summed
 *   per hour, so the view groups rows the insert already reduced instead of the raw flows a third
 *   time. Measured (`npm run bench -- api --mv-rows 500000`, merges stopped, CPU of the engine's
 *   inserts): 1.01–1.02× the CPU with the hourly view alone, at 20 k and 139 k flows an hour; the
 *   hourly view itself costs 1.10–1.13×. Its merges are extra (a seventh of the hourly table's rows
 *   at 10 M flows / 30 days). Read side, same bench: 30-day peer top-N read 0.57–1.2 M rows instead
 *   of 6.0 M, p50 2.6–5.5× faster (docs/api.md "Daily peer tier").
 * - Backfill from raw `flows` stored before the statement started (the hourly table has no arrival
 *   instant to cut at), with a fixed deduplication token and only while 0760 is unrecorded, as
 *   0700: upgrade with ingest stopped. 0700's own backfill, run again by a second instance after
 *   this view exists, would feed it through the chain although `flows_remote_1h` drops it as a
 *   duplicate: 0700's backfill selects nothing once 0700 is recorded (core/clickhouse/flows-remote.test.ts).
 * - Not a projection of `flows_remote_1h`: a projection is chosen by the engine per query and
 *   cannot be read for some days and not others, and chDB's projection support with
 *   SummingMergeTree merges would be one more thing to prove.
 * @see https://clickhouse.com/docs/materialized-view/incremental-materialized-view#chaining
 */
export const migration0760: Migration = {
  version: '0760',
  name: 'flows_remote_1d: daily peer rollup chained from flows_remote_1h',
  up: (opts) => [
    ...createTable(opts, {
      name: REMOTE_DAILY,
      columns: COLUMNS,
      engine: 'SummingMergeTree((flows, packets_sent, bytes_sent, packets_received, bytes_received))',
      partitionBy: 'toYYYYMMDD(time)',
      orderBy: `(time, ${REMOTE_DIMS}, stored_on)`,
      ...optionalTtl(ttlDays(ARRIVAL_TTL.flows_remote_1d, opts.rawTtlDays)),
      settings: ['ttl_only_drop_parts = 1', 'non_replicated_deduplication_window = 10000'],
      shardBy: 'cityHash64(remote_ip)',
    }),
    createMaterializedView(opts, {
      name: `${REMOTE_DAILY}_mv`,
      from: REMOTE_ROLLUP,
      to: REMOTE_DAILY,
      select: (from) => dailyView(from, 'sum(flows)'),
    }),
    backfill(opts),
  ],
};

export const REMOTE_DAILY = 'flows_remote_1d';

/** The hourly rollup's columns: the chained view inserts its rows' sums as they are. */
const COLUMNS = REMOTE_COLUMNS;

/** From the hourly rollup `flows` is `sum(flows)` and `stored_on` is a column; from raw rows, `count()` and the arrival day. */
function dailyView(from: string, flows: string, storedOn = 'stored_on', where = ''): string {
  return (
    `SELECT toStartOfDay(time) AS time, ${REMOTE_DIMS}, ${storedOn} AS stored_on, ${flows} AS flows, ` +
    'sum(packets_sent) AS packets_sent, sum(bytes_sent) AS bytes_sent, ' +
    'sum(packets_received) AS packets_received, sum(bytes_received) AS bytes_received ' +
    `FROM ${from}${where} GROUP BY time, ${REMOTE_DIMS}, stored_on`
  );
}

/** The rows stored before the view existed, from raw `flows`; cluster mode through the Distributed table. */
function backfill(opts: SchemaOptions): string {
  const target = opts.cluster ? REMOTE_DAILY : storageName(opts, REMOTE_DAILY);
  const where = ` WHERE ingested_at < now64(3) AND ${unrecorded('0760')}`;
  const select = dailyView('flows', 'count()', 'toDate(ingested_at)', where);
  return (
    `INSERT INTO ${target} ${select} ` +
    "SETTINGS insert_deduplicate = 1, insert_deduplication_token = 'migration-0760-backfill'"
  );
}

function optionalTtl(ttl: string | undefined): { ttl?: string } {
  return ttl ? { ttl } : {};
}
