import { createTable } from '../ddl.js';
import type { Migration } from './types.js';

/**
 * API tables. `api_keys` holds only SHA-256 hashes of keys; a revocation is a newer version of the
 * row. `finding_status_events` is the audit trail of triage actions (who, when, what, why): the
 * current status of a finding is its latest event, so analyzer re-runs never undo a triage.
 * @see https://clickhouse.com/docs/engines/table-engines/mergetree-family/replacingmergetree
 */
export const migration0400: Migration = {
  version: '0400',
  name: 'api keys, finding status audit trail',
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
    ...createTable(opts, {
      name: 'finding_status_events',
      columns: [
        'finding_id String',
        `status LowCardinality(String)`,
        'comment String',
        'actor String',
        `actor_kind LowCardinality(String)`,
        `at DateTime64(3, 'UTC')`,
      ],
      engine: 'MergeTree',
      orderBy: '(finding_id, at)',
    }),
  ],
};
