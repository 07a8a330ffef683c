import { afterAll, describe, expect, it } from 'vitest';
import { generateNsgV2Blob } from '../bench/gen-blob.js';
import type { FlowColumns } from '../core/flow/batch.js';
import type { Reject } from '../core/flow/reject.js';
import { ackGatedSource } from '../test/harness/ack-gated-source.js';
import type { FlowSink, Source, SourceBatch, SourcePosition } from './contracts.js';
import { normalize } from './normalizers/index.js';
import { NormalizerPool } from './normalizers/pool/pool.js';
import { runPipeline, SMALL_WINDOW_BYTES, SMALL_WINDOW_DEPTH } from './pipeline.js';

const FAILING = new URL('../test/harness/failing-normalizers.ts', import.meta.url).href;
const pools: NormalizerPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

/** Bodies of very different sizes, so a later small body is normalized before an earlier big one. */
function bodies(): Buffer[] {
  const big = generateNsgV2Blob({ targetBytes: 2_000_000, seed: 11 });
  const small = generateNsgV2Blob({ targetBytes: 20_000, seed: 12 });
  return [
    big,
    small,
    Buffer.from('THROW'),
    small,
    big,
    Buffer.from('garbage'),
    small,
    Buffer.from('EXIT'),
    small,
  ];
}

/** A source over `bodies` that logs pulls and acks, and tracks how many bodies are pulled but not acked. */
function loggingSource(list: Buffer[], log: string[]) {
  const state = { unacked: 0, maxUnacked: 0 };
  const source: Source = {
    name: 'test',
    async *batches(signal: AbortSignal) {
      for (let i = 0; i < list.length && !signal.aborted; i++) {
        log.push(`pull ${i}`);
        state.unacked++;
        state.maxUnacked = Math.max(state.maxUnacked, state.unacked);
        const position: SourcePosition = {
          kind: 'file',
          key: 'k',
          start: i * 10_000_000,
          end: i * 10_000_000 + 1,
        };
        yield {
          body: list[i]!,
          position,
          ack: async () => {
            state.unacked--;
            log.push(`ack ${i}`);
          },
        } satisfies SourceBatch;
      }
    },
    stop: async () => undefined,
  };
  return { source, state };
}

/** Records what each write got, in the order writes happen. */
function recordingSink() {
  const writes: { start: number; rows: number; ports: number[]; rejects: Reject[] }[] = [];
  const sink: FlowSink = {
    async write(cols: FlowColumns, rejects: Reject[], position: SourcePosition) {
      writes.push({ start: position.start, rows: cols.length, ports: Array.from(cols.dstPort), rejects });
      await new Promise((r) => setTimeout(r, 5));
      return { rows: cols.length, rejects: rejects.length };
    },
    close: async () => undefined,
  };
  return { sink, writes };
}

async function run(workers: number, list = bodies()) {
  const log: string[] = [];
  const { source, state } = loggingSource(list, log);
  const { sink, writes } = recordingSink();
  let parallel: ReturnType<NormalizerPool['variant']> | undefined;
  if (workers > 0) {
    const pool = new NormalizerPool({ workers, variantsModule: FAILING });
    pools.push(pool);
    parallel = pool.variant('plain');
  }
  const { NORMALIZER_VARIANTS } = (await import(
    FAILING
  )) as typeof import('../test/harness/failing-normalizers.js');
  const result = await runPipeline({
    source,
    // In-thread uses the same breaking normalizer, minus EXIT (it would end the test process).
    normalize: (body, meta) =>
      body.toString() === 'EXIT' ? normalize(body, meta) : NORMALIZER_VARIANTS.plain(body, meta),
    ...(parallel ? { parallel } : {}),
    sink,
    signal: new AbortController().signal,
  });
  return { result, writes, log, maxUnacked: state.maxUnacked };
}

describe('runPipeline with normalizer worker threads', () => {
  it('writes and acks in source order, with the same rows and rejects as in-thread', async () => {
    const inThread = await run(0);
    const threaded = await run(2);
    expect(threaded.result.error).toBeUndefined();
    expect(threaded.writes.map((w) => w.start)).toEqual(bodies().map((_, i) => i * 10_000_000));
    expect(threaded.log.filter((l) => l.startsWith('ack'))).toEqual(bodies().map((_, i) => `ack ${i}`));
    // Everything but the body that ends its worker is identical to in-thread.
    const exit = 7;
    const same = (w: (typeof inThread.writes)[number], i: number) => i !== exit && w;
    expect(threaded.writes.map(same)).toEqual(inThread.writes.map(same));
    expect(threaded.writes[2]!.rejects[0]!.detail).toBe('normalizer failed: boom');
    expect(threaded.writes[exit]!.rows).toBe(0);
    expect(threaded.writes[exit]!.rejects[0]!.detail).toMatch(/worker thread died/);
    expect(threaded.writes[exit + 1]!.rows).toBe(inThread.writes[exit + 1]!.rows);
    expect(threaded.result.rows).toBeGreaterThan(10_000);
  });

  it('keeps at most workers + 2 large bodies pulled and not yet acked (memory stays bounded)', async () => {
    // Each body alone passes the small-body byte bound: whitespace after a real blob.
    const pad = Buffer.alloc(SMALL_WINDOW_BYTES + 1, 0x20);
    const large = () => bodies().map((b) => Buffer.concat([b, pad]));
    const threaded = await run(2, large());
    expect(threaded.maxUnacked).toBeGreaterThanOrEqual(3); // bodies really were normalized ahead
    expect(threaded.maxUnacked).toBeLessThanOrEqual(2 + 2);
    const inThread = await run(0, large());
    expect(inThread.maxUnacked).toBeLessThanOrEqual(1 + 2);
  });

  it('pulls small bodies further ahead, up to SMALL_WINDOW_DEPTH per worker', async () => {
    const many = Array.from({ length: 40 }, () => bodies()[1]!);
    const threaded = await run(2, many);
    expect(threaded.result.rows).toBe((await run(0, many)).result.rows);
    expect(threaded.maxUnacked).toBeGreaterThan(2 + 2);
    expect(threaded.maxUnacked).toBeLessThanOrEqual(2 * SMALL_WINDOW_DEPTH + 2);
    const inThread = await run(0, many);
    expect(inThread.maxUnacked).toBeLessThanOrEqual(1 + 2);
  });

  it('writes a normalized body at once when the source waits for its acks (it never fills the window)', async () => {
    // Like Event Hubs partitions: each hands out its next range only after the previous one is acked,
    // so only 2 small bodies are ever outstanding, far below the small-body window of 8 per worker.
    const acked: string[] = [];
    const source = ackGatedSource({ bodies: Array(6).fill(bodies()[1]!), acked, partitions: 2 });
    const pool = new NormalizerPool({ workers: 1, variantsModule: FAILING });
    pools.push(pool);
    const { sink } = recordingSink();
    const run = runPipeline({
      source,
      normalize,
      parallel: pool.variant('plain'),
      sink,
      signal: new AbortController().signal,
    });
    // A guard, not a timing: before the fix the run never ended (0 acks).
    const guard = new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000).unref());
    const outcome = await Promise.race([run, guard]);
    expect(outcome === 'hung' ? `hung after ${acked.length} acks` : 'finished').toBe('finished');
    expect(acked).toEqual(['p0:0', 'p1:1', 'p0:2', 'p1:3', 'p0:4', 'p1:5']);
  });
});
