import { createTable } from '../ddl.js';
import type { Migration } from './types.js';

/**
 * The membership of coalesced inserts (docs/ingest.md "Batching"). Before one insert stores the
 * ranges of many sources, its member list is recorded here, so a replay after a crash re-forms the
 * same batch (same members, same order) and therefore the same deduplication token.
 * - `ingest_batches`: one row per batch, its members in insert order.
 * - `ingest_batch_members`: one row per member, keyed by the member's position token, so the
 *   writer finds in one indexed lookup which arriving ranges were already part of a batch.
 * Kept 30 days: longer than any source replays a range (blob cursors are flushed every poll, Kafka
 * and Event Hubs commit within seconds), and far inside what the tables can hold.
 */
export const migration0600: Migration = {
  version: '0600',
  name: 'ingest batch membership',
  up: (opts) => [
    ...createTable(opts, {
      name: 'ingest_batches',
      // Two rows per batch: its members before the write, then `written = 1` (no members) once its
      // rows and rejects are durable, before any member is acked.
      columns: [
        'batch_id String',
        'members Array(String)',
        'written UInt8 DEFAULT 0',
        `created_at DateTime64(3, 'UTC') DEFAULT now64(3)`,
      ],
      engine: 'MergeTree',
      orderBy: 'batch_id',
      ttl: 'toDateTime(created_at) + INTERVAL 30 DAY',
      shardBy: 'cityHash64(batch_id)',
    }),
    ...createTable(opts, {
      name: 'ingest_batch_members',
      columns: ['member String', 'batch_id String', `created_at DateTime64(3, 'UTC') DEFAULT now64(3)`],
      engine: 'MergeTree',
      orderBy: 'member',
      ttl: 'toDateTime(created_at) + INTERVAL 30 DAY',
      shardBy: 'cityHash64(member)',
    }),
  ],
};
