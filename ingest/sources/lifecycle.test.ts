import { describe, expect, it } from 'vitest';
import type { Source, SourceBatch } from '../contracts.js';
import { guardStop } from './lifecycle.js';

/** A source whose own stop does what `behave` says, counting its calls. */
function sourceWithStop(behave: () => Promise<void>): Source & { calls: number } {
  const s = {
    name: 'test',
    calls: 0,
    async *batches(): AsyncGenerator<SourceBatch> {},
    stop() {
      s.calls++;
      return behave();
    },
  };
  return s;
}

describe('guardStop (the stop half of the component contract)', () => {
  it("runs the source's own stop once, however often stop is called", async () => {
    const inner = sourceWithStop(async () => {});
    const guarded = guardStop(inner);
    await Promise.all([guarded.stop(), guarded.stop()]);
    await guarded.stop();
    expect(inner.calls).toBe(1);
  });

  it('resolves by the deadline when the source never finishes stopping', async () => {
    const guarded = guardStop(sourceWithStop(() => new Promise<void>(() => {})));
    await expect(guarded.stop(20)).resolves.toBeUndefined();
  });

  it('resolves when the source throws while stopping', async () => {
    const guarded = guardStop(sourceWithStop(() => Promise.reject(new Error('cursor store down'))));
    await expect(guarded.stop(1_000)).resolves.toBeUndefined();
  });
});
