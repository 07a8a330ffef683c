import { createMaterializedView, createTable, storageName } from '../ddl.js';
import { unrecorded } from './0700_flows_remote.js';
import { lookBackRetention } from './0710_analyzer_rollups.js';
import { INTERNAL_COLUMNS, INTERNAL_KEYS } from './0730_internal_pairs_rollup.js';
import type { Migration, SchemaOptions } from './types.js';

/**
 * `flows_internal_1d`: the internal pairs of `flows_internal_1h` (migration 0730) summed per UTC day.
 * The segmentation matrix over 30 days read every hourly row of its private traffic: at 100 M flows
 * (`npm run bench -- scale`), 29.9 M rows and 1.4 GB for a p95 of 1,475 ms against the 1.5 s bar.
 * Internal pairs repeat hour after hour (the same services talk to each other all day), so a day
 * holds about as many pairs as an hour; the matrix reads whole days from here, the partial days'
 * whole hours from `flows_internal_1h` and the partial hours from raw `flows` (api/routes/traffic/matrix.ts).
 *
 * - Same columns, key, arrival day (`stored_on`), retention (the look-back's) and daily partitions as
 *   the hourly table, so the two expire together and answer the same windows.
 * - Chained from `flows_internal_1h`'s inserts (as 0760 from 0700): the view groups blocks the hourly
 *   view already reduced, not the raw flows a third time. `first_seen`/`last_seen` stay the flows'
 *   own instants (min/max of the hours').
 * - Backfilled once from the hourly table, so the daily rows are the sums of the hourly rows whatever
 *   each table's retention left; a fixed deduplication token, and only while 0780 is unrecorded
 *   (upgrade with ingest stopped, as for every rollup migration: docs/operations.md "Upgrading").
 */
export const migration0780: Migration = {
  version: '0780',
  name: 'flows_internal_1d: internal pairs per day, chained from flows_internal_1h',
  up: (opts) => [
    ...createTable(opts, {
      name: INTERNAL_DAILY,
      columns: INTERNAL_COLUMNS,
      engine: 'AggregatingMergeTree',
      partitionBy: 'toYYYYMMDD(time)',
      orderBy: `(${INTERNAL_KEYS.join(', ')})`,
      ...lookBackRetention(opts),
      settings: ['ttl_only_drop_parts = 1', 'non_replicated_deduplication_window = 10000'],
    }),
    createMaterializedView(opts, {
      name: `${INTERNAL_DAILY}_mv`,
      from: INTERNAL_HOURLY,
      to: INTERNAL_DAILY,
      select: dailyPairs,
    }),
    backfill(opts),
  ],
};

export const INTERNAL_HOURLY = 'flows_internal_1h';
export const INTERNAL_DAILY = 'flows_internal_1d';

/**
 * The hourly rows summed per day; `time` is the hourly table's hour, so it is the day here. Columns
 * in the table's order: the backfill's `INSERT … SELECT` matches them by position (a view by name).
 */
function dailyPairs(from: string, where = ''): string {
  const dims = INTERNAL_COLUMNS.map((c) => c.split(' ')[0]!).filter(
    (c) => c !== 'time' && INTERNAL_KEYS.includes(c),
  );
  return (
    `SELECT toStartOfDay(time) AS time, ${dims.join(', ')}, sum(flows) AS flows, sum(bytes) AS bytes, ` +
    `min(first_seen) AS first_seen, max(last_seen) AS last_seen FROM ${from}${where} ` +
    `GROUP BY ${INTERNAL_KEYS.join(', ')}`
  );
}

/** The hours stored before the view existed; cluster mode through the Distributed table. */
function backfill(opts: SchemaOptions): string {
  const target = opts.cluster ? INTERNAL_DAILY : storageName(opts, INTERNAL_DAILY);
  return (
    `INSERT INTO ${target} ${dailyPairs(INTERNAL_HOURLY, ` WHERE ${unrecorded('0780')}`)} ` +
    "SETTINGS insert_deduplicate = 1, insert_deduplication_token = 'migration-0780-backfill'"
  );
}
