import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { query } from '../../../core/clickhouse/query.js';
import { chTime } from '../../../core/clickhouse/time.js';
import type { FileEntry } from './walk.js';

/** Remembers files ingested completely, so a re-run skips them without reading a byte. */
export interface FilePositions {
  isDone(file: FileEntry): Promise<boolean>;
  /** May buffer; {@link FilePositions.flush} makes it durable. */
  markDone(file: FileEntry): Promise<void>;
  flush(): Promise<void>;
}

interface FilePosition {
  size: number;
  mtimeMs: number;
  done: boolean;
}

/** Completed files are written in groups: one tiny insert (one part) per file would pile up parts. */
const FLUSH_EVERY = 200;

/**
 * `ingest_positions` rows with `source_kind = 'file'`: the key is the absolute path, the position
 * JSON holds size and mtime, so a file that changed is read again (its unchanged ranges then add no
 * rows, thanks to the insert deduplication tokens). All recorded files are loaded with one query on
 * first use. Losing buffered marks (a crash) only costs a re-read: the rows deduplicate.
 */
export function clickHouseFilePositions(
  client: ClickHouseClient,
  now: () => number = Date.now,
): FilePositions {
  let known: Promise<Map<string, FilePosition>> | undefined;
  let pending: FileEntry[] = [];
  const flush = async () => {
    const rows = pending.map((file) => ({
      source_kind: 'file',
      source_key: file.path,
      position: JSON.stringify({ size: file.size, mtimeMs: file.mtimeMs, done: true } satisfies FilePosition),
      updated_at: chTime(now()),
    }));
    pending = [];
    if (rows.length) await client.insert({ table: 'ingest_positions', values: rows, format: 'JSONEachRow' });
  };
  return {
    async isDone(file) {
      known ??= loadPositions(client);
      const p = (await known).get(file.path);
      return p?.done === true && p.size === file.size && p.mtimeMs === file.mtimeMs;
    },
    async markDone(file) {
      known ??= loadPositions(client);
      (await known).set(file.path, { size: file.size, mtimeMs: file.mtimeMs, done: true });
      pending.push(file);
      if (pending.length >= FLUSH_EVERY) await flush();
    },
    flush,
  };
}

async function loadPositions(client: ClickHouseClient): Promise<Map<string, FilePosition>> {
  const rows = await query(client, {
    sql:
      "SELECT source_key, argMax(position, updated_at) AS position FROM ingest_positions WHERE source_kind = 'file' " +
      'GROUP BY source_key',
    row: z.object({ source_key: z.string(), position: z.string() }),
  });
  const out = new Map<string, FilePosition>();
  for (const row of rows) {
    try {
      out.set(row.source_key, JSON.parse(row.position) as FilePosition);
    } catch {
      // A malformed cursor only means the file is read again.
    }
  }
  return out;
}

/**
 * `--force`: reads every file again but still records each as done, so a later plain run skips
 * them instead of storing them once more under its own deduplication namespace.
 */
export function forcedFilePositions(inner: FilePositions): FilePositions {
  return { isDone: async () => false, markDone: (file) => inner.markDone(file), flush: () => inner.flush() };
}

/** No memory: every run reads every file (tests, benches). */
export const noFilePositions: FilePositions = {
  isDone: async () => false,
  markDone: async () => undefined,
  flush: async () => undefined,
};
