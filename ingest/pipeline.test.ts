import { describe, expect, it } from 'vitest';
import type { FlowColumns } from '../core/flow/batch.js';
import type { Reject } from '../core/flow/reject.js';
import { sampleColumns } from '../test/harness/flow-columns.js';
import type { FlowSink, Normalizer, Source, SourceBatch, SourcePosition } from './contracts.js';
import { runPipeline } from './pipeline.js';

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(err: Error): void;
}
function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A source of `n` one-byte bodies that logs pulls and acks. */
function fakeSource(n: number, log: string[]): Source & { acks: Map<number, number> } {
  const acks = new Map<number, number>();
  return {
    name: 'fake',
    acks,
    async *batches(signal: AbortSignal) {
      for (let i = 1; i <= n && !signal.aborted; i++) {
        log.push(`pull ${i}`);
        const position: SourcePosition = { kind: 'file', key: 'f', start: i, end: i + 1 };
        yield {
          body: Buffer.from([i]),
          position,
          ack: async () => {
            acks.set(i, (acks.get(i) ?? 0) + 1);
            log.push(`ack ${i}`);
          },
        } satisfies SourceBatch;
      }
    },
    stop: async () => undefined,
  };
}

const normalizer =
  (log: string[]): Normalizer =>
  (body) => {
    log.push(`normalize ${body[0]}`);
    return { columns: sampleColumns(2), rejects: [], records: 1 };
  };

/** A sink whose writes resolve only when the test says so. */
function gatedSink(log: string[]) {
  const gates = new Map<number, Deferred>();
  let inflight = 0;
  let maxInflight = 0;
  const sink: FlowSink = {
    async write(cols: FlowColumns, rejects: Reject[], position: SourcePosition) {
      inflight++;
      maxInflight = Math.max(maxInflight, inflight);
      log.push(`write ${position.start}`);
      const gate = deferred();
      gates.set(position.start, gate);
      try {
        await gate.promise;
      } finally {
        inflight--;
      }
      log.push(`written ${position.start}`);
      return { rows: cols.length, rejects: rejects.length };
    },
    close: async () => undefined,
  };
  return { sink, gates, maxInflight: () => maxInflight };
}

const tick = () => new Promise((r) => setTimeout(r, 5));
async function release(gates: Map<number, Deferred>, i: number) {
  while (!gates.has(i)) await tick();
  gates.get(i)!.resolve();
}

describe('runPipeline', () => {
  it('acks each batch once, after its write, in order, and overlaps normalizing with writing', async () => {
    const log: string[] = [];
    const source = fakeSource(3, log);
    const { sink, gates, maxInflight } = gatedSink(log);
    const run = runPipeline({
      source,
      normalize: normalizer(log),
      sink,
      signal: new AbortController().signal,
    });
    for (const i of [1, 2, 3]) await release(gates, i);
    const result = await run;
    expect(result).toMatchObject({ batches: 3, rows: 6, records: 3, rejects: 0, bytes: 3 });
    expect(result.error).toBeUndefined();
    expect([...source.acks.entries()]).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    for (const i of [1, 2, 3]) expect(log.indexOf(`ack ${i}`)).toBeGreaterThan(log.indexOf(`written ${i}`));
    // Batch 2 was pulled and normalized while batch 1 was still being written.
    expect(log.indexOf('normalize 2')).toBeLessThan(log.indexOf('written 1'));
    expect(maxInflight()).toBe(1);
  });

  it('keeps at most one batch normalized ahead of the write in flight', async () => {
    const log: string[] = [];
    const { sink, gates } = gatedSink(log);
    const run = runPipeline({
      source: fakeSource(5, log),
      normalize: normalizer(log),
      sink,
      signal: new AbortController().signal,
    });
    while (!gates.has(1)) await tick();
    await tick();
    await tick();
    expect(log.filter((l) => l.startsWith('pull'))).toEqual(['pull 1', 'pull 2']);
    for (const i of [1, 2, 3, 4, 5]) await release(gates, i);
    expect((await run).batches).toBe(5);
  });

  it('stops without acking when a write fails for good, and reports the error', async () => {
    const log: string[] = [];
    const source = fakeSource(4, log);
    const { sink, gates } = gatedSink(log);
    const run = runPipeline({
      source,
      normalize: normalizer(log),
      sink,
      signal: new AbortController().signal,
    });
    await release(gates, 1);
    while (!gates.has(2)) await tick();
    gates.get(2)!.reject(new Error('database down'));
    const result = await run;
    expect(result.error?.message).toBe('database down');
    expect(result.batches).toBe(1);
    expect([...source.acks.keys()]).toEqual([1]);
    expect(log).not.toContain('write 3');
  });

  it('on abort, finishes and acks the write in flight, then stops pulling', async () => {
    const log: string[] = [];
    const source = fakeSource(10, log);
    const { sink, gates } = gatedSink(log);
    const controller = new AbortController();
    const run = runPipeline({ source, normalize: normalizer(log), sink, signal: controller.signal });
    while (!gates.has(1)) await tick();
    controller.abort();
    gates.get(1)!.resolve();
    const result = await run;
    expect(result.error).toBeUndefined();
    expect([...source.acks.keys()]).toEqual([1]);
    expect(log.filter((l) => l.startsWith('write'))).toEqual(['write 1']);
  });

  it('turns a throwing normalizer into a reject and still acks the batch', async () => {
    const log: string[] = [];
    const source = fakeSource(1, log);
    const written: Reject[] = [];
    const sink: FlowSink = {
      write: async (cols, rejects) => {
        written.push(...rejects);
        return { rows: cols.length, rejects: rejects.length };
      },
      close: async () => undefined,
    };
    const result = await runPipeline({
      source,
      normalize: () => {
        throw new Error('boom');
      },
      sink,
      signal: new AbortController().signal,
    });
    expect(result).toMatchObject({ batches: 1, rows: 0, rejects: 1 });
    expect(written[0]).toMatchObject({
      reason: 'unknown-shape',
      detail: 'normalizer failed: boom',
      offset: 1,
    });
    expect(source.acks.get(1)).toBe(1);
  });
});
