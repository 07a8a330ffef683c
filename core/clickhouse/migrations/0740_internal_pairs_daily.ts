import { onCluster, storageName } from '../ddl.js';
import { internalPairsRollup } from './0730_internal_pairs_rollup.js';
import type { Migration } from './types.js';

/**
 * `flows_internal_1h` (lateral movement's look-back, migration 0730) again, partitioned by day
 * instead of by month. Its sorting key starts with the port and the hosts, not the hour (the
 * analyzer reads its window's candidates only), so inside a partition the look-back's time range
 * prunes nothing: with monthly partitions a tick read its candidates' rows of every stored day of the
 * month, and its cost grew with the stored days beyond the 7-day look-back (issue 17; scale bench at
 * 10 M flows: 1.6 M → 2.6 M rows read from 10 to 30 days stored). Daily partitions bound the read
 * to the look-back's days, and retention (`ttl_only_drop_parts`) drops a day as soon as it expires
 * rather than a whole month.
 *
 * No table can change its partitioning in place: the view and the table are dropped (`SYNC`, so a
 * replicated table's path is free at once) and built again with 0730's columns, key, view and
 * one-time backfill from `flows` (one read of the stored flows at upgrade; upgrade with ingest
 * stopped, as for every rollup migration). Running it again builds the same table again.
 */
export const migration0740: Migration = {
  version: '0740',
  name: 'flows_internal_1h partitioned by day (lateral-movement look-back bound to its days)',
  up: (opts) => [
    `DROP VIEW IF EXISTS flows_internal_1h_mv${onCluster(opts)} SYNC`,
    ...(opts.cluster ? [`DROP TABLE IF EXISTS flows_internal_1h${onCluster(opts)} SYNC`] : []),
    `DROP TABLE IF EXISTS ${storageName(opts, 'flows_internal_1h')}${onCluster(opts)} SYNC`,
    ...internalPairsRollup(opts, 'toYYYYMMDD(time)'),
  ],
};
