import { describe, expect, it } from 'vitest';
import { PermanentError } from './errors.js';
import { backoffDelay, retry } from './retry.js';

const fast = { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 };

describe('retry', () => {
  it('retries transient failures and returns the first success', async () => {
    let calls = 0;
    const value = await retry(async () => {
      if (++calls < 3) throw new Error('busy');
      return 'ok';
    }, fast);
    expect([value, calls]).toEqual(['ok', 3]);
  });

  it('gives up after the configured attempts with the last error', async () => {
    let calls = 0;
    await expect(
      retry(async () => {
        calls++;
        throw new Error(`fail ${calls}`);
      }, fast),
    ).rejects.toThrow('fail 4');
    expect(calls).toBe(4);
  });

  it('never retries a PermanentError', async () => {
    let calls = 0;
    await expect(
      retry(async () => {
        calls++;
        throw new PermanentError('schema');
      }, fast),
    ).rejects.toThrow('schema');
    expect(calls).toBe(1);
  });

  it('stops when aborted during the back-off instead of trying once more', async () => {
    const controller = new AbortController();
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new Error('down');
        },
        {
          attempts: 10,
          baseDelayMs: 60_000,
          maxDelayMs: 60_000,
          signal: controller.signal,
          onRetry: () => setTimeout(() => controller.abort(), 5),
        },
      ),
    ).rejects.toThrow('down');
    expect(calls).toBe(1);
  });

  it('keeps back-off delays within the exponential cap', () => {
    expect(backoffDelay(10, 100, 5_000, () => 0.999)).toBeLessThan(5_000);
    expect(backoffDelay(0, 100, 5_000, () => 0.5)).toBe(50);
  });
});
