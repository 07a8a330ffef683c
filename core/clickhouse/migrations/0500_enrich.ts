import { createDictionarySql, TRIES, trieTableColumns } from '../../enrich/tables.js';
import { createTable, onCluster } from '../ddl.js';
import type { Migration } from './types.js';

/**
 * Enrichment (docs/enrichment.md): a prefix table + IP_TRIE dictionary per dataset, the raw
 * threat-intel entries per list, and `enrich_datasets` (one row per dataset: version, source, age).
 * Tables start empty; the packaged ASN/country data is loaded at first start (core/enrich/autoload.ts).
 */
export const migration0500: Migration = {
  version: '0500',
  name: 'enrichment datasets and dictionaries',
  up: (opts) => [
    ...TRIES.flatMap((spec) =>
      createTable(opts, {
        name: spec.table,
        columns: trieTableColumns(spec),
        engine: 'MergeTree',
        orderBy: 'prefix',
      }),
    ),
    ...createTable(opts, {
      name: 'enrich_intel_entries',
      columns: ['list LowCardinality(String)', 'prefix String', 'confidence UInt8'],
      engine: 'MergeTree',
      orderBy: '(list, prefix)',
    }),
    ...createTable(opts, {
      name: 'enrich_datasets',
      columns: [
        'name String',
        'version String',
        'source String',
        `data_date DateTime('UTC')`,
        'rows UInt64',
        `loaded_at DateTime64(3, 'UTC')`,
      ],
      engine: 'ReplacingMergeTree(loaded_at)',
      orderBy: 'name',
    }),
    ...TRIES.map((spec) => createDictionarySql(spec, onCluster(opts))),
  ],
};
