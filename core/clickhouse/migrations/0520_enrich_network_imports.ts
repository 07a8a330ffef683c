import { NETWORK_IMPORTS_TABLE } from '../../enrich/network-imports.js';
import { enrichTable } from './0500_enrich.js';
import type { Migration } from './types.js';

/**
 * Network inventories imported from ARM by `rules sync` (core/enrich/network-imports.ts): one row per
 * source (`arm:<subscription>`), the latest import replacing the previous one; merged with
 * `enrich.networks` from config into `enrich_networks`/`enrich_peerings` by core/enrich/flow-type.ts.
 */
export const migration0520: Migration = {
  version: '0520',
  name: 'enrichment: imported network inventories',
  up: (opts) =>
    enrichTable(opts, {
      name: NETWORK_IMPORTS_TABLE,
      columns: ['source String', 'inventory String', `imported_at DateTime64(3, 'UTC')`],
      engine: 'ReplacingMergeTree(imported_at)',
      orderBy: 'source',
    }),
};
