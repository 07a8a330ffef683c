import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { FLOW_INSERT_COLUMNS, FLOW_SELECT, type FlowBlock } from './flow-block.js';
import { encodeNativeBlock, nativeStructure } from './native.js';
import type { StagingArea } from './staging.js';

/** Inserts one Native block into `flows` with a deduplication token. */
export interface BlockWriter {
  insert(block: FlowBlock, token: string): Promise<void>;
}

const INSERT_HEAD = `INSERT INTO flows (${FLOW_INSERT_COLUMNS.join(', ')}) SELECT ${FLOW_SELECT}`;

/** The embedded path's statement: a staged Native file (`{path}`, `{structure}`) into `flows`. */
export const FILE_INSERT_QUERY = `${INSERT_HEAD} FROM file({path:String}, 'Native', {structure:String})`;

/**
 * Embedded engine: stage the block as a file and let chDB read it with `file()`. Inline insert
 * bodies through the chDB Connection are UTF-8-decoded into a JS string and run 3–4× slower
 * (docs/reference/performance-facts.md §3.2); `INSERT … SELECT FROM file()` reads the bytes natively.
 * chDB's `file()` accepts absolute paths outside `user_files` (verified on chdb 3.4.0 with /dev/shm).
 * @see https://clickhouse.com/docs/sql-reference/table-functions/file
 */
export function chdbFileWriter(client: ClickHouseClient, staging: StagingArea): BlockWriter {
  return {
    async insert(block, token) {
      const path = await staging.write(encodeNativeBlock(block.columns, block.rows));
      try {
        await client.command({
          query: FILE_INSERT_QUERY,
          query_params: { ...block.params, path, structure: nativeStructure(block.columns) },
          clickhouse_settings: { insert_deduplication_token: token },
        });
      } finally {
        await staging.remove(path);
      }
    },
  };
}

/**
 * ClickHouse server: the same Native bytes as the HTTP request body, read by the `input()` table
 * function, so the mapping SQL is shared with the embedded path. The body streams from the typed
 * arrays without being copied into one buffer. The structure is a constant built from our own
 * column names, so it is inlined (a literal is what `input()` takes).
 * @see https://clickhouse.com/docs/sql-reference/table-functions/input
 */
export function serverInputWriter(client: ClickHouseClient): BlockWriter {
  return {
    async insert(block, token) {
      const result = await client.exec({
        query: serverInsertQuery(block),
        values: Readable.from(encodeNativeBlock(block.columns, block.rows)),
        query_params: block.params,
        clickhouse_settings: { insert_deduplication_token: token },
      });
      result.stream.resume();
      await new Promise<void>((resolve, reject) => {
        result.stream.once('end', resolve).once('close', resolve).once('error', reject);
      });
    },
  };
}

/** The statement the server path sends (exported for tests: no server runs in this environment). */
export function serverInsertQuery(block: FlowBlock): string {
  const structure = nativeStructure(block.columns).replace(/'/g, "\\'");
  return `${INSERT_HEAD} FROM input('${structure}') FORMAT Native`;
}
