import { describe, expect, it } from 'vitest';
import { PermanentError } from '../../core/errors.js';
import { createMetrics } from '../../core/metrics.js';
import type { Source, SourceBatch } from '../contracts.js';
import { instrumentSource } from './metrics.js';

const labels = { source: 's1', kind: 'test' };

/** Yields `bodies` (data time 10 s apart from t = 0), then throws `fail` if given. */
function listSource(bodies: string[], fail?: Error): Source {
  return {
    name: 's1',
    async *batches(): AsyncGenerator<SourceBatch> {
      for (const [i, b] of bodies.entries())
        yield {
          body: Buffer.from(b),
          position: { kind: 'test', key: `k/${i % 2}`, start: i, end: i + 1 },
          dataTimeMs: i * 10_000,
          ack: async () => {},
        };
      if (fail) throw fail;
    },
    stop: async () => {},
  };
}

const value = async (m: { get(): Promise<{ values: { labels: object; value: number }[] }> }, extra = {}) =>
  (await m.get()).values.find((v) => JSON.stringify(v.labels) === JSON.stringify({ ...labels, ...extra }))
    ?.value;

describe('instrumentSource (the uniform series)', () => {
  it('counts acked batches and bytes, in-flight bytes until the ack, and lag per stream key', async () => {
    const metrics = createMetrics();
    const s = instrumentSource(listSource(['aaaa', 'bb', 'c']), {
      series: metrics.source,
      labels,
      now: () => 60_000,
      lagKey: (p) => p.key.toUpperCase(),
    });
    const held: SourceBatch[] = [];
    for await (const b of s.source.batches(new AbortController().signal)) held.push(b);
    expect(await value(metrics.source.inflightBytes)).toBe(7);
    await held[0]!.ack();
    await held[0]!.ack(); // a second ack counts nothing
    await held[1]!.ack();
    expect(await value(metrics.source.inflightBytes)).toBe(1);
    expect(await value(metrics.source.batches)).toBe(2);
    expect(await value(metrics.source.bytes)).toBe(6);
    expect(await value(metrics.source.lagSeconds, { key: 'K/0' })).toBe(60);
    expect(await value(metrics.source.lagSeconds, { key: 'K/1' })).toBe(50);
    await s.source.stop(); // the un-acked one is replayed by the next run: no longer in flight
    expect(await value(metrics.source.inflightBytes)).toBe(0);
    await held[2]!.ack();
    expect(await value(metrics.source.inflightBytes)).toBe(0);
    s.committed(42);
    expect(await value(metrics.source.rows)).toBe(42);
  });

  it('counts a failed run by class and passes the error on', async () => {
    const metrics = createMetrics();
    const run = async (fail: Error) => {
      const s = instrumentSource(listSource([], fail), { series: metrics.source, labels, now: () => 0 });
      for await (const b of s.source.batches(new AbortController().signal)) await b.ack();
    };
    await expect(run(new PermanentError('auth'))).rejects.toThrow('auth');
    await expect(run(new Error('reset'))).rejects.toThrow('reset');
    await expect(run(new Error('reset again'))).rejects.toThrow('reset again');
    // A batch whose position names another kind than the registered one is a bug: the run stops.
    const wrong = instrumentSource(listSource(['x']), {
      series: metrics.source,
      labels: { ...labels, kind: 'other' },
      now: () => 0,
    });
    await expect(wrong.source.batches(new AbortController().signal).next()).rejects.toThrow(
      /registered as "other"/,
    );
    expect(await value(metrics.source.errors, { class: 'permanent' })).toBe(1);
    expect(await value(metrics.source.errors, { class: 'transient' })).toBe(2);
  });
});
