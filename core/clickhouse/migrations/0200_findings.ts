import { createTable } from '../ddl.js';
import type { Migration } from './types.js';

/**
 * Findings and their history, plus alert delivery state.
 *
 * - `findings`: one logical row per stable fingerprint. ReplacingMergeTree keeps the row with the
 *   highest `updated_at`, so an upsert is an insert; readers use `FINAL` (or `argMax`).
 * - `finding_events`: append-only history (detected, re-detected, status changes with who/why).
 * - `alert_notifications`: what was sent where and when (dedup and re-notify intervals survive restarts).
 * - `alert_dead_letters`: alerts that could not be delivered after every retry.
 * @see https://clickhouse.com/docs/engines/table-engines/mergetree-family/replacingmergetree
 */
export const migration0200: Migration = {
  version: '0200',
  name: 'findings, finding events, alert notifications and dead letters',
  up: (opts) => [
    ...createTable(opts, {
      name: 'findings',
      columns: [
        'id String',
        'category LowCardinality(String)',
        'severity LowCardinality(String)',
        'title String',
        'reason String',
        `first_seen DateTime64(3, 'UTC')`,
        `last_seen DateTime64(3, 'UTC')`,
        /** Finding.subject as JSON. */
        'subject String',
        /** Finding.evidence (latest detection) as JSON. */
        'evidence String',
        'status LowCardinality(String)',
        'status_by String',
        'status_reason String',
        `status_at DateTime64(3, 'UTC')`,
        /** How many analysis runs found new activity for this fingerprint. */
        'detections UInt32',
        `updated_at DateTime64(3, 'UTC')`,
      ],
      engine: 'ReplacingMergeTree(updated_at)',
      orderBy: 'id',
    }),
    ...createTable(opts, {
      name: 'finding_events',
      columns: [
        'finding_id String',
        `time DateTime64(3, 'UTC')`,
        /** detected | redetected | status */
        'kind LowCardinality(String)',
        'status LowCardinality(String)',
        'severity LowCardinality(String)',
        'actor String',
        'reason String',
      ],
      engine: 'MergeTree',
      partitionBy: 'toYYYYMM(time)',
      orderBy: '(finding_id, time)',
    }),
    ...createTable(opts, {
      name: 'alert_notifications',
      columns: [
        'finding_id String',
        'channel LowCardinality(String)',
        'severity LowCardinality(String)',
        `sent_at DateTime64(3, 'UTC')`,
      ],
      engine: 'ReplacingMergeTree(sent_at)',
      orderBy: '(finding_id, channel)',
    }),
    ...createTable(opts, {
      name: 'alert_dead_letters',
      columns: [
        `time DateTime64(3, 'UTC')`,
        'finding_id String',
        'channel LowCardinality(String)',
        'attempts UInt32',
        'error String',
        'payload String',
      ],
      engine: 'MergeTree',
      partitionBy: 'toYYYYMM(time)',
      orderBy: '(time, channel)',
    }),
  ],
};
