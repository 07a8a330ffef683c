import { PEERINGS_TABLE } from '../../enrich/connection-type.js';
import { enrichTable } from './0500_enrich.js';
import type { Migration } from './types.js';

/**
 * Peered VNet pairs from `enrich.networks.peerings`, for the connection type (VNetPeering;
 * core/enrich/connection-type.ts). Replaced whole with the network inventory; a full copy on every
 * node in cluster mode, like the other enrichment tables.
 */
export const migration0510: Migration = {
  version: '0510',
  name: 'enrichment: VNet peerings',
  up: (opts) =>
    enrichTable(opts, {
      name: PEERINGS_TABLE,
      columns: ['a String', 'b String'],
      engine: 'MergeTree',
      orderBy: '(a, b)',
    }),
};
