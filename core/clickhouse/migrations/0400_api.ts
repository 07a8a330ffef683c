import { createTable } from '../ddl.js';
import type { Migration } from './types.js';

/**
 * API tables. `api_keys` holds only SHA-256 hashes of keys; a revocation is a newer version of the
 * row. (Triage status changes are audited in the analyzers' `finding_events`, migration 0200.)
 * @see https://clickhouse.com/docs/engines/table-engines/mergetree-family/replacingmergetree
 */
export const migration0400: Migration = {
  version: '0400',
  name: 'api keys',
  up: (opts) => [
    ...createTable(opts, {
      name: 'api_keys',
      columns: [
        'id String',
        'name String',
        `role LowCardinality(String)`,
        'hash String',
        'created_by String',
        `created_at DateTime64(3, 'UTC')`,
        'revoked Bool DEFAULT false',
        `updated_at DateTime64(3, 'UTC')`,
      ],
      engine: 'ReplacingMergeTree(updated_at)',
      orderBy: 'id',
    }),
  ],
};
