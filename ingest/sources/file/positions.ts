import type { ClickHouseClient } from '@clickhouse/client';
import type { FileEntry } from './walk.js';

/** Remembers files ingested completely, so a re-run skips them without reading a byte. */
export interface FilePositions {
  isDone(file: FileEntry): Promise<boolean>;
  markDone(file: FileEntry): Promise<void>;
}

interface FilePosition {
  size: number;
  mtimeMs: number;
  done: boolean;
}

/**
 * `ingest_positions` rows with `source_kind = 'file'`: the key is the absolute path, the position
 * JSON holds size and mtime, so a file that changed is read again (its unchanged ranges then add no
 * rows, thanks to the insert deduplication tokens).
 */
export function clickHouseFilePositions(client: ClickHouseClient): FilePositions {
  return {
    async isDone(file) {
      const rs = await client.query({
        query:
          "SELECT argMax(position, updated_at) AS position FROM ingest_positions WHERE source_kind = 'file' " +
          'AND source_key = {key:String} GROUP BY source_key',
        query_params: { key: file.path },
        format: 'JSONEachRow',
      });
      const [row] = await rs.json<{ position: string }>();
      if (!row) return false;
      const p = JSON.parse(row.position) as Partial<FilePosition>;
      return p.done === true && p.size === file.size && p.mtimeMs === file.mtimeMs;
    },
    async markDone(file) {
      const position: FilePosition = { size: file.size, mtimeMs: file.mtimeMs, done: true };
      await client.insert({
        table: 'ingest_positions',
        values: [
          {
            source_kind: 'file',
            source_key: file.path,
            position: JSON.stringify(position),
            updated_at: new Date().toISOString().replace('T', ' ').replace('Z', ''),
          },
        ],
        format: 'JSONEachRow',
      });
    },
  };
}

/** No memory: every run reads every file (tests, `--force`). */
export const noFilePositions: FilePositions = {
  isDone: async () => false,
  markDone: async () => undefined,
};
