import { onCluster, storageName } from '../ddl.js';
import type { Migration } from './types.js';

/**
 * A minmax skip index on `flows.ingested_at`. Every analysis tick asks which data times arrived
 * since the last tick (`analyze/loop.ts` newDataRange, `PREWHERE ingested_at > since`); `ingested_at`
 * is not in the sorting key, so without an index that scan reads the column of every stored row and
 * a tick's cost grows with the retained history. Rows of one insert share an arrival time, so each
 * granule's min/max is narrow and all but the newest parts are skipped. Parts written before this
 * migration have no index until they merge (not materialized at upgrade: that would read every part).
 * @see https://clickhouse.com/docs/optimize/skipping-indexes
 */
export const migration0003: Migration = {
  version: '0003',
  name: 'flows: minmax index on ingested_at (tick cost independent of history)',
  up: (opts) => [
    `ALTER TABLE ${storageName(opts, 'flows')}${onCluster(opts)} ADD INDEX IF NOT EXISTS ingested_at_minmax ingested_at TYPE minmax GRANULARITY 1`,
  ],
};
