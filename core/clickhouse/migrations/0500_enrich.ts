import { createDictionarySql, TRIES, trieTableColumns } from '../../enrich/tables.js';
import { createTable, onCluster, type TableSpec } from '../ddl.js';
import type { Migration, SchemaOptions } from './types.js';

/**
 * Enrichment (docs/enrichment.md): a prefix table + IP_TRIE dictionary per dataset, the raw
 * threat-intel entries per list, and `enrich_datasets` (one row per dataset: version, source, age).
 * Tables start empty; the packaged ASN/country data is loaded at first start (core/enrich/ranges.ts).
 *
 * Cluster mode: every node keeps a full copy (one replication group across shards, no Distributed
 * table), because each node's dictionary reads its own local table and a load truncates it.
 */
export const migration0500: Migration = {
  version: '0500',
  name: 'enrichment datasets and dictionaries',
  up: (opts) => [
    ...TRIES.flatMap((spec) =>
      enrichTable(opts, {
        name: spec.table,
        columns: trieTableColumns(spec),
        engine: 'MergeTree',
        orderBy: 'prefix',
      }),
    ),
    ...enrichTable(opts, {
      name: 'enrich_intel_entries',
      columns: ['list LowCardinality(String)', 'prefix String', 'confidence UInt8'],
      engine: 'MergeTree',
      orderBy: '(list, prefix)',
    }),
    ...enrichTable(opts, {
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

/** Single node: as every table. Cluster: a replicated table shared by all nodes, queried locally. */
export function enrichTable(opts: SchemaOptions, spec: TableSpec): string[] {
  if (!opts.cluster) return createTable(opts, spec);
  const open = spec.engine.indexOf('(');
  const family = open < 0 ? spec.engine : spec.engine.slice(0, open);
  const args = open < 0 ? '' : `, ${spec.engine.slice(open + 1, -1)}`;
  return [
    `CREATE TABLE IF NOT EXISTS ${spec.name}${onCluster(opts)} (\n  ${spec.columns.join(',\n  ')}\n) ` +
      `ENGINE = Replicated${family}('/clickhouse/tables/all/{database}/${spec.name}', '{replica}'${args}) ` +
      `ORDER BY ${spec.orderBy}`,
  ];
}
