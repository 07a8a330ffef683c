import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SourcePosition } from '../../ingest/contracts.js';
import { type BlockWriter, chdbFileWriter } from '../../ingest/sinks/clickhouse/block-writer.js';
import { createClickHouseSink } from '../../ingest/sinks/clickhouse/sink.js';
import { StagingArea } from '../../ingest/sinks/clickhouse/staging.js';
import { count, openTestDb } from '../harness/chdb.js';
import { sampleColumns } from '../harness/flow-columns.js';

type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => {
  await db?.close();
});

/** A staging area that remembers every file it wrote. */
class RecordingStaging extends StagingArea {
  readonly paths: string[] = [];
  override async write(parts: readonly Buffer[]): Promise<string> {
    const path = await super.write(parts);
    this.paths.push(path);
    return path;
  }
}

const pos = (key: string): SourcePosition => ({ kind: 'file', key, start: 0, end: 1000 });

function setup(batchRows: number, wrap: (real: BlockWriter) => BlockWriter = (w) => w) {
  const staging = new RecordingStaging('/tmp');
  const writer = wrap(chdbFileWriter(db.client, staging));
  const sink = createClickHouseSink({ db, writer, batchRows, retry: { attempts: 3, baseDelayMs: 1 } });
  return { staging, sink };
}

describe('ClickHouse sink: the next large range staged while the insert before it runs', () => {
  it('inserts the file staged ahead, once, and removes it', async () => {
    const { staging, sink } = setup(1000);
    const columns = sampleColumns(50, { nsgs: ['NSG-AHEAD'] });
    sink.batching!.prepare!({ columns, rejects: [], position: pos('ahead.json') });
    await vi.waitFor(() => expect(staging.paths).toHaveLength(1));
    expect(existsSync(staging.paths[0]!)).toBe(true);
    expect((await sink.write(columns, [], pos('ahead.json'))).rows).toBe(50);
    expect(staging.paths).toHaveLength(1); // not staged a second time
    expect(existsSync(staging.paths[0]!)).toBe(false);
    expect(await count(db, 'flows', `nsg = 'NSG-AHEAD'`)).toBe(50);
    await sink.close();
    await staging.close();
  });

  it('stages only the first split block ahead and stores every row of the range', async () => {
    const { staging, sink } = setup(20);
    const columns = sampleColumns(50, { nsgs: ['NSG-AHEAD-SPLIT'] });
    sink.batching!.prepare!({ columns, rejects: [], position: pos('split.json') });
    expect((await sink.write(columns, [], pos('split.json'))).rows).toBe(50);
    expect(staging.paths).toHaveLength(3); // 20 (ahead) + 20 + 10
    expect(staging.paths.filter(existsSync)).toEqual([]);
    expect(await count(db, 'flows', `nsg = 'NSG-AHEAD-SPLIT'`)).toBe(50);
    await sink.close();
    await staging.close();
  });

  it('stages afresh when the staged insert fails transiently, and stores the rows once', async () => {
    let failures = 1;
    const { staging, sink } = setup(1000, (real) => ({
      ...real,
      stage: async (block) => {
        const staged = await real.stage!(block);
        return {
          ...staged,
          insert: async (token) => {
            if (failures-- > 0) {
              await staged.discard();
              throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
            }
            await staged.insert(token);
          },
        };
      },
    }));
    const columns = sampleColumns(30, { nsgs: ['NSG-AHEAD-RETRY'] });
    sink.batching!.prepare!({ columns, rejects: [], position: pos('retry.json') });
    expect(await sink.write(columns, [], pos('retry.json'))).toMatchObject({ rows: 30, duplicates: 0 });
    expect(staging.paths).toHaveLength(2);
    expect(await count(db, 'flows', `nsg = 'NSG-AHEAD-RETRY'`)).toBe(30);
    await sink.close();
    await staging.close();
  });

  it('leaves no file behind for a range staged but never written (a run that stopped)', async () => {
    const { staging, sink } = setup(1000);
    sink.batching!.prepare!({ columns: sampleColumns(10), rejects: [], position: pos('never.json') });
    await vi.waitFor(() => expect(staging.paths).toHaveLength(1));
    await sink.close();
    expect(existsSync(staging.paths[0]!)).toBe(false);
    await staging.close();
  });
});
