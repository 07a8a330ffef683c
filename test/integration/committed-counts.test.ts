import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRejects } from '../../ingest/sinks/clickhouse/committed.js';
import { openTestDb } from '../harness/chdb.js';

// The sink counts a write's rejects before and after inserting them (ingest/sinks/clickhouse/committed.ts).
let db: Awaited<ReturnType<typeof openTestDb>>;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => {
  await db.close();
});

describe('countRejects', () => {
  it('counts the rejects of one source inside the offsets of the write, however many offsets it has', async () => {
    await db.client.command({
      query:
        "INSERT INTO rejects (source_kind, source, offset, record_index, tuple_index, reason, detail, excerpt) VALUES ('file', 'a.json', 10, 0, 0, 'x', '', ''), ('file', 'a.json', 500000, 0, 0, 'x', '', ''), ('file', 'b.json', 20, 0, 0, 'x', '', '')",
    });
    // 300,000 offsets: spreading them into Math.min/Math.max overflows V8's call stack.
    const offsets = Array.from({ length: 300_000 }, (_, i) => i);
    expect(await countRejects(db.client, 'file', 'a.json', offsets)).toBe(1);
    expect(await countRejects(db.client, 'file', 'a.json', [...offsets, 500_000])).toBe(2);
    expect(await countRejects(db.client, 'file', 'a.json', [])).toBe(0);
  });
});
