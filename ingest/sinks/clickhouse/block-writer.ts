import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { FLOW_INSERT_COLUMNS, FLOW_SELECT, FLOW_SELECT_SOURCE_COLUMN, type FlowBlock } from './flow-block.js';
import { encodeNativeBlock, nativeStructure } from './native.js';
import type { StagingArea } from './staging.js';

/** Inserts one Native block into `flows` with a deduplication token. */
export interface BlockWriter {
  insert(block: FlowBlock, token: string): Promise<void>;
  /**
   * One insert of several {@link memberBlock}s (same columns, `source` as a column) under one token:
   * the blocks travel back to back in one Native stream and land as one part per partition.
   */
  insertMany?(blocks: readonly FlowBlock[], token: string): Promise<void>;
  /**
   * Encodes and stages a block now, for an insert that starts later (embedded engine only): the sink
   * stages the next large range while the insert before it runs, so the engine does not wait for
   * the main thread's encoding and staging write between two inserts (docs/ingest.md "Threading").
   */
  stage?(block: FlowBlock): Promise<StagedBlock>;
}

/** A block staged ahead of its insert: inserted once, or discarded; either way its file is removed. */
export interface StagedBlock {
  insert(token: string): Promise<void>;
  discard(): Promise<void>;
}

/**
 * Every `flows` insert carries its token and asks the views to deduplicate too: a replay that
 * `flows` drops must not be counted again in the rollups (`flows_1m`, `flows_1h` and any view a
 * later migration adds). The session sets the same (core/clickhouse/client.ts); stated here so the
 * sink does not depend on it. Views also need ids stable across restarts: core/clickhouse/migrate.ts.
 *
 * `optimize_on_insert = 0`: every view already aggregates its block with `GROUP BY` over its table's
 * whole sorting key, so the engine's extra collapse of each inserted block into the Summing and
 * Aggregating rollups finds nothing to merge and only costs time (measured on chDB with the eight
 * views of migrations 0001–0730, 25 k-row inserts: 1.20× the engine's insert throughput; readers
 * aggregate anyway, docs/data-model.md).
 *
 * `parallel_view_processing = 1`: the eight views run on the engine's threads side by side instead of
 * one after another. Measured on chDB, one 804 k-row insert on 2 idle cores: 1.30–1.39× the
 * insert's wall throughput for about 5 % more CPU (bench/ingest.bench.ts "engine only" rows).
 * Deduplication ids are per view and block either way (the crash tests assert every rollup).
 * @see https://clickhouse.com/docs/operations/settings/settings#parallel_view_processing
 * @see https://clickhouse.com/docs/operations/settings/settings#deduplicate_blocks_in_dependent_materialized_views
 * @see https://clickhouse.com/docs/operations/settings/settings#optimize_on_insert
 */
export function insertSettings(token: string) {
  return {
    insert_deduplication_token: token,
    deduplicate_blocks_in_dependent_materialized_views: 1,
    optimize_on_insert: 0,
    parallel_view_processing: 1,
  } as const;
}

const INSERT_MANY_HEAD = `INSERT INTO flows (${FLOW_INSERT_COLUMNS.join(', ')}) SELECT ${FLOW_SELECT_SOURCE_COLUMN}`;
const FILE_INSERT_MANY_QUERY = `${INSERT_MANY_HEAD} FROM file({path:String}, 'Native', {structure:String})`;

function encodeBlocks(blocks: readonly FlowBlock[]): Buffer[] {
  return blocks.flatMap((b) => encodeNativeBlock(b.columns, b.rows));
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
  void staging.open();
  const stage = async (block: FlowBlock): Promise<StagedBlock> => {
    const path = await staging.write(encodeNativeBlock(block.columns, block.rows));
    const query_params = { ...block.params, path, structure: nativeStructure(block.columns) };
    return {
      async insert(token) {
        try {
          await client.command({
            query: FILE_INSERT_QUERY,
            query_params,
            clickhouse_settings: insertSettings(token),
          });
        } finally {
          await staging.remove(path);
        }
      },
      discard: () => staging.remove(path),
    };
  };
  return {
    stage,
    async insert(block, token) {
      await (await stage(block)).insert(token);
    },
    async insertMany(blocks, token) {
      const path = await staging.write(encodeBlocks(blocks));
      try {
        await client.command({
          query: FILE_INSERT_MANY_QUERY,
          query_params: { path, structure: nativeStructure(blocks[0]!.columns) },
          clickhouse_settings: insertSettings(token),
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
        clickhouse_settings: insertSettings(token),
      });
      await drained(result.stream);
    },
    async insertMany(blocks, token) {
      const structure = nativeStructure(blocks[0]!.columns).replace(/'/g, "\\'");
      const result = await client.exec({
        query: `${INSERT_MANY_HEAD} FROM input('${structure}') FORMAT Native`,
        values: Readable.from(encodeBlocks(blocks)),
        clickhouse_settings: insertSettings(token),
      });
      await drained(result.stream);
    },
  };
}

async function drained(stream: NodeJS.ReadableStream & { once: Readable['once'] }): Promise<void> {
  stream.resume();
  await new Promise<void>((resolve, reject) => {
    stream.once('end', resolve).once('close', resolve).once('error', reject);
  });
}

/** The statement the server path sends (exported for tests: no server runs in this environment). */
export function serverInsertQuery(block: FlowBlock): string {
  const structure = nativeStructure(block.columns).replace(/'/g, "\\'");
  return `${INSERT_HEAD} FROM input('${structure}') FORMAT Native`;
}
