import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceBatch } from '../../ingest/contracts.js';
import { clickHouseFilePositions } from '../../ingest/sources/file/positions.js';
import { createFileSource } from '../../ingest/sources/file/source.js';
import { openTestDb } from '../harness/chdb.js';

let db: Awaited<ReturnType<typeof openTestDb>>;
const dir = mkdtempSync(join(tmpdir(), 'flowlens-files-'));
beforeAll(async () => {
  db = await openTestDb();
  mkdirSync(join(dir, 'b', 'deep'), { recursive: true });
  const blob = (n: number) =>
    `{"records":[${Array.from({ length: n }, (_, i) => JSON.stringify({ time: `t${i}`, pad: 'y'.repeat(40) })).join(',')}]}`;
  writeFileSync(join(dir, 'a.json'), blob(3));
  writeFileSync(join(dir, 'b', 'deep', 'PT1H.json'), blob(20));
  writeFileSync(join(dir, 'b', 'empty.json'), '');
});
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function drain(source: ReturnType<typeof createFileSource>, ack = true): Promise<SourceBatch[]> {
  const out: SourceBatch[] = [];
  for await (const b of source.batches(new AbortController().signal)) {
    out.push(b);
    if (ack) await b.ack();
  }
  await source.stop();
  return out;
}

describe('file source', () => {
  it('walks directories recursively in a stable order and cuts big files', async () => {
    const source = createFileSource({ paths: [dir], chunkBytes: 256 });
    expect((await source.files()).map((f) => f.path.slice(dir.length))).toEqual([
      '/a.json',
      '/b/deep/PT1H.json',
      '/b/empty.json',
    ]);
    const batches = await drain(source);
    const keys = batches.map((b) => b.position.key.slice(dir.length));
    expect(keys[0]).toBe('/a.json');
    expect(keys.slice(1).every((k) => k === '/b/deep/PT1H.json')).toBe(true);
    expect(batches.length).toBeGreaterThan(3);
    for (const b of batches) {
      expect(b.position.end - b.position.start).toBe(b.body.length);
      expect(b.meta?.baseOffset).toBe(b.position.start);
    }
  });

  it('records completed files and skips them next time unless they changed', async () => {
    const positions = clickHouseFilePositions(db.client);
    const skipped: string[] = [];
    const first = await drain(createFileSource({ paths: [dir], chunkBytes: 256, positions }));
    expect(first.length).toBeGreaterThan(0);
    const again = await drain(
      createFileSource({ paths: [dir], chunkBytes: 256, positions, onSkip: (f) => skipped.push(f.path) }),
    );
    expect(again).toEqual([]);
    expect(skipped).toHaveLength(3);
    // A touched file is read again.
    utimesSync(join(dir, 'a.json'), new Date(), new Date(Date.now() + 5000));
    const touched = await drain(createFileSource({ paths: [dir], chunkBytes: 256, positions }));
    expect(touched.map((b) => b.position.key)).toEqual([join(dir, 'a.json')]);
    // A fresh store (another process) reads the same marks back from the table.
    expect(
      await drain(createFileSource({ paths: [dir], positions: clickHouseFilePositions(db.client) })),
    ).toEqual([]);
  });

  it('does not record a file whose batches were not all acked', async () => {
    const positions = clickHouseFilePositions(db.client);
    expect(await positions.isDone({ path: join(dir, 'a.json'), size: 1, mtimeMs: 1 })).toBe(false);
    const file = join(dir, 'unacked.json');
    writeFileSync(file, '{"records":[{"a":1},{"a":2}]}');
    await drain(createFileSource({ paths: [file], positions }), false);
    expect(await drain(createFileSource({ paths: [file], positions }))).toHaveLength(1);
    expect(await drain(createFileSource({ paths: [file], positions }))).toHaveLength(0);
  });

  it('stops between batches when aborted', async () => {
    const controller = new AbortController();
    const seen: SourceBatch[] = [];
    for await (const b of createFileSource({ paths: [dir], chunkBytes: 256 }).batches(controller.signal)) {
      seen.push(b);
      controller.abort();
    }
    expect(seen).toHaveLength(1);
  });
});
