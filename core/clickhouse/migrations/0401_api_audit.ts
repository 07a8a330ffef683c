import { createTable } from '../ddl.js';
import type { Migration } from './types.js';

/**
 * The API's audit trail: who did what, when (key creation and revocation, finding status changes
 * and suppressions, config loads). Append-only; read by `GET /api/audit`.
 */
export const migration0401: Migration = {
  version: '0401',
  name: 'api audit',
  up: (opts) => [
    ...createTable(opts, {
      name: 'api_audit',
      columns: [
        `time DateTime64(3, 'UTC')`,
        'actor String',
        `actor_kind LowCardinality(String)`,
        `action LowCardinality(String)`,
        'target String',
        'detail String',
        'request_id String',
      ],
      engine: 'MergeTree',
      orderBy: '(time, action)',
    }),
  ],
};
