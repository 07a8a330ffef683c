import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { query } from '../../../core/clickhouse/query.js';
import { chTime } from '../../../core/clickhouse/time.js';
import type { BlobCursor } from './cursor.js';

/**
 * Blob cursors in `ingest_positions` (ReplacingMergeTree keyed by kind and key, newest `updated_at`
 * wins). Reads take `argMax(position, updated_at)` so they are right before parts merge.
 * @see https://clickhouse.com/docs/engines/table-engines/mergetree-family/replacingmergetree
 */
export const BLOB_KIND = 'blob';
/** Shard bookkeeping rows (last hour a shard listed), so a restart lists the hours it missed. */
export const SHARD_KIND = 'blob-shard';

const PendingSchema = z.object({
  start: z.number(),
  ends: z.array(z.number()),
  blocks: z.number(),
  digest: z.string(),
  etag: z.string(),
  reset: z.boolean(),
});

/** Rows read back are a trust boundary: another version of flowlens may have written them. */
export const BlobCursorSchema = z.object({
  v: z.literal(1),
  etag: z.string(),
  offset: z.number(),
  blocks: z.number(),
  digest: z.string(),
  cuts: z.array(z.number()),
  sums: z.array(z.string()).default([]),
  pending: PendingSchema.optional(),
});

export const ShardMarkSchema = z.object({ listedHourMs: z.number() });
export type ShardMark = z.infer<typeof ShardMarkSchema>;

const KEYS_PER_QUERY = 2000;
const PositionRow = z.object({ source_key: z.string(), position: z.string() });

export class CursorStore {
  #lastMs = 0;

  /** `now`: the wall clock stamping `updated_at` (ms), which orders cursor versions across processes. */
  constructor(
    private readonly client: ClickHouseClient,
    private readonly now: () => number = Date.now,
  ) {}

  async loadCursors(keys: readonly string[]): Promise<Map<string, BlobCursor>> {
    const raw = await this.load(BLOB_KIND, keys);
    const out = new Map<string, BlobCursor>();
    for (const [key, value] of raw) {
      const parsed = BlobCursorSchema.safeParse(value);
      // An unreadable cursor means "start over": positions are deterministic, so dedup absorbs it.
      if (parsed.success) out.set(key, stripUndefined(parsed.data));
    }
    return out;
  }

  async loadShardMarks(keys: readonly string[]): Promise<Map<string, ShardMark>> {
    const raw = await this.load(SHARD_KIND, keys);
    const out = new Map<string, ShardMark>();
    for (const [key, value] of raw) {
      const parsed = ShardMarkSchema.safeParse(value);
      if (parsed.success) out.set(key, parsed.data);
    }
    return out;
  }

  /**
   * Cursors under `keyPrefix` whose newest version still has a pending plan: ranges planned before a
   * crash in hours no longer listed. Scans the shard's keys once, when the shard is (re)acquired.
   */
  async loadPending(keyPrefix: string): Promise<Map<string, BlobCursor>> {
    const rows = await query(this.client, {
      sql:
        'SELECT source_key, argMax(position, updated_at) AS position FROM ingest_positions ' +
        'WHERE source_kind = {kind:String} AND startsWith(source_key, {prefix:String}) ' +
        "GROUP BY source_key HAVING JSONHas(position, 'pending')",
      params: { kind: BLOB_KIND, prefix: keyPrefix },
      row: PositionRow,
    });
    const out = new Map<string, BlobCursor>();
    for (const row of rows) {
      const parsed = BlobCursorSchema.safeParse(safeJson(row.position));
      if (parsed.success) out.set(row.source_key, stripUndefined(parsed.data));
    }
    return out;
  }

  /** One insert for all entries; resolves when durable (`async_insert=0` session setting). */
  async save(kind: string, entries: ReadonlyArray<readonly [string, object]>): Promise<void> {
    if (!entries.length) return;
    const updated = this.#tick();
    await this.client.insert({
      table: 'ingest_positions',
      format: 'JSONEachRow',
      values: entries.map(([key, position]) => ({
        source_kind: kind,
        source_key: key,
        position: JSON.stringify(position),
        updated_at: updated,
      })),
    });
  }

  private async load(kind: string, keys: readonly string[]): Promise<Map<string, unknown>> {
    const out = new Map<string, unknown>();
    for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
      const rows = await query(this.client, {
        sql:
          'SELECT source_key, argMax(position, updated_at) AS position FROM ingest_positions ' +
          'WHERE source_kind = {kind:String} AND source_key IN {keys:Array(String)} GROUP BY source_key',
        params: { kind, keys: keys.slice(i, i + KEYS_PER_QUERY) },
        row: PositionRow,
      });
      for (const row of rows) {
        // Unparseable JSON is treated as no cursor (see loadCursors).
        out.set(row.source_key, safeJson(row.position));
      }
    }
    return out;
  }

  /** Strictly increasing per process, so two saves in one millisecond still order. */
  #tick(): string {
    this.#lastMs = Math.max(this.now(), this.#lastMs + 1);
    return chTime(this.#lastMs);
  }
}

function stripUndefined(c: z.infer<typeof BlobCursorSchema>): BlobCursor {
  const { pending, ...rest } = c;
  return pending ? { ...rest, pending } : rest;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
