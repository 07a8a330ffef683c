import { describe, expect, it } from 'vitest';
import { AsyncQueue, InFlightBudget } from './flow-control.js';

describe('InFlightBudget', () => {
  it('holds acquirers while the byte or range limit is reached, and always lets one range through', async () => {
    const b = new InFlightBudget(100, 2);
    expect(await b.acquire(500)).toBe(true); // larger than the limit, but nothing in flight
    let second = false;
    const p = b.acquire(10).then((ok) => {
      second = ok;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(second).toBe(false);
    b.release(500);
    await p;
    expect(second).toBe(true);
    expect(await b.acquire(10)).toBe(true);
    const third = b.acquire(10); // two ranges in flight: waits
    b.abort();
    expect(await third).toBe(false);
  });
});

describe('AsyncQueue', () => {
  it('yields pushed items in order and ends with the close error', async () => {
    const q = new AsyncQueue<number>();
    const seen: number[] = [];
    const done = (async () => {
      for await (const x of q.iterate()) seen.push(x);
    })();
    q.push(1);
    q.push(2);
    await new Promise((r) => setTimeout(r, 5));
    q.close(new Error('source failed'));
    await expect(done).rejects.toThrow('source failed');
    expect(seen).toEqual([1, 2]);
  });
});
