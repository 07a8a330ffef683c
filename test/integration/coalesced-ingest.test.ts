import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateNsgV2Blob } from '../../bench/gen-blob.js';
import { ConfigSchema } from '../../core/config/schema.js';
import { TransientError } from '../../core/errors.js';
import { silentLogger } from '../../core/logging.js';
import { createMetrics } from '../../core/metrics.js';
import type { Source, SourceBatch } from '../../ingest/contracts.js';
import { normalize } from '../../ingest/normalizers/index.js';
import { runPipeline } from '../../ingest/pipeline.js';
import {
  type BlockWriter,
  chdbFileWriter,
  serverInputWriter,
} from '../../ingest/sinks/clickhouse/block-writer.js';
import { sinkFromConfig } from '../../ingest/sinks/clickhouse/from-config.js';
import { createClickHouseSink } from '../../ingest/sinks/clickhouse/sink.js';
import { StagingArea } from '../../ingest/sinks/clickhouse/staging.js';
import { count, emptyIngestTables, openTestDb, rows } from '../harness/chdb.js';

// Coalesced inserts (docs/ingest.md "Batching") on a real engine: many ranges in one insert, and
// exactly-once across a crash before or after the insert, a replay in another order, a member
// that never comes back.
let db: Awaited<ReturnType<typeof openTestDb>>;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => emptyIngestTables(db));

interface Item {
  key: string;
  body: Buffer;
}

/** Small PT1H.json bodies of different blobs, plus one that is not JSON (its rejects count too). */
function items(n: number, offset = 0): Item[] {
  const out = Array.from({ length: n }, (_, i) => ({
    key: `c/nic-${i + offset}/PT1H.json`,
    body: generateNsgV2Blob({ targetBytes: 40_000, seed: 100 + i + offset }),
  }));
  out.push({ key: `c/nic-bad-${offset}/PT1H.json`, body: Buffer.from('{"records":[{"time": nope') });
  return out;
}

const expectedRows = (list: Item[]) =>
  list.reduce((s, it) => s + normalize(it.body, { source: `blob:${it.key}` }).columns.length, 0);

/** The body with one malformed tuple first in its first record: rows and a reject. */
function withBadTuple(body: Buffer): Buffer {
  const s = body.toString();
  const at = s.indexOf('"flowTuples":[') + '"flowTuples":['.length;
  return Buffer.from(`${s.slice(0, at)}"garbage",${s.slice(at)}`);
}

/** An earlier, shorter version of a generated blob (one record a line): its first `share` of records. */
function firstRecords(body: Buffer, share: number): Buffer {
  const lines = body.toString().split('\n');
  if (lines.length < 3) return body;
  const records = lines.slice(1, -1);
  const kept = records.slice(0, Math.ceil(records.length * share));
  kept[kept.length - 1] = kept.at(-1)!.replace(/,$/, '');
  return Buffer.from([lines[0], ...kept, lines.at(-1)].join('\n'));
}

/** `failAcks`: every ack fails (true), or the acks of these keys. */
function listSource(
  list: Item[],
  acks: Map<string, number>,
  failAcks: boolean | ReadonlySet<string> = false,
): Source {
  return {
    name: 'list',
    async *batches(signal) {
      for (const it of list) {
        if (signal.aborted) return;
        yield {
          body: it.body,
          position: { kind: 'blob', key: it.key, start: 0, end: it.body.length },
          ack: async () => {
            // A crash after the batch was written and marked, before any ack persisted.
            if (failAcks === true || (failAcks !== false && failAcks.has(it.key)))
              throw new Error('crash before the acks');
            acks.set(it.key, (acks.get(it.key) ?? 0) + 1);
          },
        } satisfies SourceBatch;
      }
    },
    stop: async () => undefined,
  };
}

/** The real writer, failing once around the first coalesced insert: before it runs, or after it is durable. */
function crashingWriter(when: 'before' | 'after'): BlockWriter {
  const real =
    db.target.kind === 'embedded'
      ? chdbFileWriter(db.client, new StagingArea('/tmp'))
      : serverInputWriter(db.client);
  let crashed = false;
  return {
    insert: (block, token) => real.insert(block, token),
    async insertMany(blocks, token) {
      if (!crashed && when === 'before') {
        crashed = true;
        throw new TransientError('crash before the insert');
      }
      await real.insertMany!(blocks, token);
      if (!crashed) {
        crashed = true;
        throw new TransientError('crash after the insert');
      }
    },
  };
}

async function run(
  list: Item[],
  opts: {
    writer?: BlockWriter;
    maxRows?: number;
    failAcks?: boolean | ReadonlySet<string>;
    tokenNamespace?: string;
  } = {},
) {
  const acks = new Map<string, number>();
  const sink = createClickHouseSink({
    db,
    retry: { attempts: 1 },
    ...(opts.writer ? { writer: opts.writer } : {}),
    ...(opts.tokenNamespace ? { tokenNamespace: opts.tokenNamespace } : {}),
    coalesce: { maxRows: opts.maxRows ?? 200_000, maxDelayMs: 60_000, idleMs: 60_000 },
  });
  const result = await runPipeline({
    source: listSource(list, acks, opts.failAcks),
    normalize,
    sink,
    signal: new AbortController().signal,
  });
  await sink.close();
  return { result, acks };
}

async function until(ok: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; !(await ok()); ) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const batchCount = async () =>
  Number((await rows<{ n: string }>(db, 'SELECT uniqExact(batch_id) AS n FROM ingest_batches'))[0]?.n ?? 0);

const rollupFlows = async () =>
  Number((await rows<{ n: string }>(db, 'SELECT sum(flows) AS n FROM flows_1m'))[0]?.n ?? 0);

describe('coalesced inserts', () => {
  it('stores many blobs in one insert, with exact committed, reject and ack counts', async () => {
    const list = items(30);
    const { result, acks } = await run(list);
    const want = expectedRows(list);
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ batches: 31, rows: want, duplicates: 0, duplicateRejects: 0 });
    expect(result.rejects).toBeGreaterThan(0);
    expect(await count(db, 'flows')).toBe(want);
    expect(await rollupFlows()).toBe(want);
    expect(await count(db, 'rejects')).toBe(result.rejects);
    expect(await batchCount()).toBe(1);
    expect([...acks.values()]).toEqual(list.map(() => 1));
  });

  it('a replay in another order re-forms the recorded batch and stores nothing again (crash after the insert)', async () => {
    const list = items(20);
    const first = await run(list, { writer: crashingWriter('after') });
    expect(first.result.error).toBeDefined();
    expect(first.acks.size).toBe(0);
    const want = expectedRows(list);
    expect(await count(db, 'flows')).toBe(want);
    // Without the recorded membership, these smaller limits and the reversed order would form other batches.
    const again = await run([...list].reverse(), { maxRows: 3000 });
    expect(again.result).toMatchObject({ rows: 0, duplicates: want });
    // The crash came between the rows and the rejects insert: the replay stores the rejects, once.
    expect(again.result.rejects).toBe(await count(db, 'rejects'));
    expect(again.result.rejects).toBeGreaterThan(0);
    expect(await count(db, 'flows')).toBe(want);
    expect(await rollupFlows()).toBe(want);
    // Not marked written (the crash came first): every member waited and the same batch was re-formed.
    expect(await batchCount()).toBe(1);
    expect(again.acks.size).toBe(list.length);
  });

  it('a crash before the insert: the replay writes the recorded batch once', async () => {
    const list = items(20);
    const first = await run(list, { writer: crashingWriter('before') });
    expect(first.result.error).toBeDefined();
    expect(await count(db, 'flows')).toBe(0);
    const want = expectedRows(list);
    const again = await run([...list].reverse(), { maxRows: 3000 });
    expect(again.result).toMatchObject({ rows: want, duplicates: 0 });
    expect(await count(db, 'flows')).toBe(want);
    expect(await rollupFlows()).toBe(want);
    expect(await count(db, 'rejects')).toBe(again.result.rejects);
  });

  it('members of a batch written before the crash are acked as duplicates at once, whichever come back', async () => {
    const list = items(12);
    const first = await run(list, { failAcks: true });
    expect(first.result.error).toBeDefined();
    const want = expectedRows(list);
    expect(await count(db, 'flows')).toBe(want);
    // Only half of the batch comes back (the other half's acks did persist), with new ranges.
    const back = list.slice(0, 6);
    const fresh = items(4, 50);
    const again = await run([...back, ...fresh]);
    expect(again.result.error).toBeUndefined();
    expect(again.result).toMatchObject({ rows: expectedRows(fresh), duplicates: expectedRows(back) });
    expect(await count(db, 'flows')).toBe(want + expectedRows(fresh));
    expect(await rollupFlows()).toBe(want + expectedRows(fresh));
    expect(again.acks.size).toBe(back.length + fresh.length);
  });

  it('half a batch that was never written comes back: its members are written exactly once', async () => {
    const list = items(12);
    await run(list, { writer: crashingWriter('before') });
    const back = list.slice(0, 6);
    const again = await run(back);
    expect(again.result).toMatchObject({ rows: expectedRows(back), duplicates: 0 });
    expect(await count(db, 'flows')).toBe(expectedRows(back));
    expect(await rollupFlows()).toBe(expectedRows(back));
  });

  it('a batch inserted but never marked, its members taken over by two processes: every row once', async () => {
    // Blob leases after a SIGKILL between the insert and its written mark: the dead holder's roots
    // go to two survivors, so neither can re-form the batch (test/e2e/scale-out-blob.test.ts saw
    // 1,545 rows for 1,521 tuples under CI load before the members' own scopes were counted).
    const list = items(12);
    const first = await run(list, { writer: crashingWriter('after') });
    expect(first.result.error).toBeDefined();
    const want = expectedRows(list);
    expect(await count(db, 'flows')).toBe(want);
    const halves = [list.slice(0, 6), list.slice(6)];
    const survivors = [];
    for (const half of halves) survivors.push(await run(half));
    for (const [i, s] of survivors.entries()) {
      expect(s.result.error).toBeUndefined();
      expect(s.result).toMatchObject({ rows: 0, duplicates: expectedRows(halves[i]!) });
      expect(s.acks.size).toBe(halves[i]!.length);
    }
    expect(await count(db, 'flows')).toBe(want);
    expect(await rollupFlows()).toBe(want);
    // The crash came before the rejects insert: the bad blob's rejects are stored now, once.
    expect(await count(db, 'rejects')).toBe(survivors[1]!.result.rejects);
    expect(survivors[1]!.result.rejects).toBeGreaterThan(0);
  });

  it('a member with rows and rejects, crash between the two inserts, split: rows once, rejects once', async () => {
    const list = items(12);
    list[3] = { key: list[3]!.key, body: withBadTuple(list[3]!.body) };
    const withBoth = normalize(list[3]!.body, { source: 'x' });
    expect(withBoth.columns.length).toBeGreaterThan(0);
    expect(withBoth.rejects.length).toBeGreaterThan(0);
    await run(list, { writer: crashingWriter('after') }); // rows stored, rejects not, batch not marked
    const want = expectedRows(list);
    const survivors = [];
    for (const half of [list.slice(0, 6), list.slice(6)]) survivors.push((await run(half)).result);
    expect(await count(db, 'flows')).toBe(want);
    expect(await rollupFlows()).toBe(want);
    expect(survivors.reduce((n, r) => n + r.rows, 0)).toBe(0);
    expect(survivors.reduce((n, r) => n + r.duplicates, 0)).toBe(want);
    expect(await count(db, 'rejects')).toBe(survivors.reduce((n, r) => n + r.rejects, 0));
    expect(survivors[0]!.rejects).toBe(withBoth.rejects.length);
  });

  it('settled members whose acks were lost, then the whole old batch re-forms: rows and rejects still once', async () => {
    const list = items(12);
    list[3] = { key: list[3]!.key, body: withBadTuple(list[3]!.body) };
    await run(list, { writer: crashingWriter('after') }); // rows stored, rejects not, batch not marked
    const lost = new Set([list[3]!.key, list.at(-1)!.key]); // the two members with rejects
    for (const half of [list.slice(0, 6), list.slice(6)]) await run(half, { failAcks: lost });
    const rejects = await count(db, 'rejects');
    expect(rejects).toBeGreaterThan(0);
    // Every member comes back to one process, so the old batch could re-form: it must not store the
    // rejects again under its own rejects token.
    const again = await run(list);
    expect(again.result).toMatchObject({ rows: 0, rejects: 0, duplicates: expectedRows(list) });
    expect(await count(db, 'rejects')).toBe(rejects);
    expect(await count(db, 'flows')).toBe(expectedRows(list));
    expect(await rollupFlows()).toBe(expectedRows(list));
  });

  it('earlier copies of the same bytes (a blob read whole again, --force) do not pass for an unmarked batch', async () => {
    const full = items(12);
    await run(full.map((it) => ({ key: it.key, body: firstRecords(it.body, 0.6) })));
    await run(
      full.map((it) => ({ key: it.key, body: firstRecords(it.body, 0.8) })),
      { tokenNamespace: 'force-1' },
    );
    const before = await count(db, 'flows');
    // The blobs changed (same keys); their batch is recorded, the process dies before the insert,
    // and two survivors each get half of it.
    const first = await run(full, { writer: crashingWriter('before') });
    expect(first.result.error).toBeDefined();
    for (const half of [full.slice(0, 6), full.slice(6)]) await run(half);
    expect(await count(db, 'flows')).toBe(before + expectedRows(full));
    expect(await rollupFlows()).toBe(before + expectedRows(full));
  });

  it('a partition handed over mid-write: members of a batch its old holder is still writing are acked as duplicates once it is marked', async () => {
    const list = items(12);
    // The old holder records the batch and blocks inside its insert until released.
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    const real = crashingWriter('after');
    const blocking: BlockWriter = {
      insert: (block, token) => real.insert(block, token),
      async insertMany(blocks, token) {
        await released;
        const direct =
          db.target.kind === 'embedded'
            ? chdbFileWriter(db.client, new StagingArea('/tmp'))
            : serverInputWriter(db.client);
        await direct.insertMany!(blocks, token);
      },
    };
    const old = run(list, { writer: blocking });
    await until(async () => (await batchCount()) === 1);
    // The new holder gets half of it back and keeps streaming (its source does not end).
    const back = list.slice(0, 6);
    const acks = new Map<string, number>();
    const stop = new AbortController();
    const sink = createClickHouseSink({
      db,
      retry: { attempts: 1 },
      coalesce: { maxRows: 200_000, maxDelayMs: 100, idleMs: 50, recoveryWaitMs: 60_000 },
    });
    const streaming: Source = {
      name: 'handed-over',
      async *batches(signal) {
        yield* listSource(back, acks).batches(signal);
        await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
      },
      stop: async () => undefined,
    };
    const newer = runPipeline({ source: streaming, normalize, sink, signal: stop.signal });
    await new Promise((r) => setTimeout(r, 300));
    expect(acks.size).toBe(0); // waiting for its batch-mates or the old holder's mark
    release();
    await old;
    await until(async () => acks.size === back.length);
    stop.abort();
    const result = await newer;
    await sink.close();
    expect(result).toMatchObject({ rows: 0, duplicates: expectedRows(back) });
    expect(await count(db, 'flows')).toBe(expectedRows(list));
    expect(await batchCount()).toBe(1);
  });

  it('is on by default with the documented limits, and `ingest.coalesce.enabled: false` turns it off', async () => {
    const deps = { db, metrics: createMetrics(), logger: silentLogger() };
    const signal = new AbortController().signal;
    const on = sinkFromConfig(ConfigSchema.parse({}), deps, signal);
    expect(on.batching?.limits).toEqual({
      maxRows: 200_000,
      maxBytes: 64 * 1024 * 1024,
      maxDelayMs: 1000,
      idleMs: 50,
      recoveryWaitMs: 30_000,
    });
    const off = sinkFromConfig(
      ConfigSchema.parse({ ingest: { coalesce: { enabled: false } } }),
      deps,
      signal,
    );
    expect(off.batching).toBeUndefined();
    await on.close();
    await off.close();
  });
});
