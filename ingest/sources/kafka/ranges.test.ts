import { describe, expect, it } from 'vitest';
import type { FramedMessage } from './frame.js';
import { type ClosedRange, decodePending, encodePending, RangeAccumulator } from './ranges.js';

const msg = (offset: number, size = 10): FramedMessage => ({ offset, value: Buffer.alloc(size), flags: 0 });
const spans = (rs: ClosedRange[]) => rs.map((r) => [r.start, r.end, r.messages.length]);

function feed(acc: RangeAccumulator, offsets: number[]): ClosedRange[] {
  return offsets.flatMap((o) => acc.push(msg(o)));
}

describe('RangeAccumulator', () => {
  it('closes on message count and tiles the offsets', () => {
    const acc = new RangeAccumulator({ maxMessages: 3, maxBytes: 1e9 });
    expect(spans(feed(acc, [5, 6, 7, 8, 9, 10, 11]))).toEqual([
      [5, 8, 3],
      [8, 11, 3],
    ]);
    expect(spans([acc.flush()!])).toEqual([[11, 12, 1]]);
    expect(acc.flush()).toBeUndefined();
  });

  it('closes at the partition end only above a minimum size (no tiny inserts on a trickle)', () => {
    const acc = new RangeAccumulator({ maxMessages: 100, maxBytes: 1e9 });
    feed(acc, [0, 1]);
    expect(acc.flush(25)).toBeUndefined();
    feed(acc, [2]);
    expect(spans([acc.flush(25)!])).toEqual([[0, 3, 3]]);
  });

  it('ignores re-delivered messages (never one message in two ranges)', () => {
    const acc = new RangeAccumulator({ maxMessages: 2, maxBytes: 1e9 }, [], 10);
    expect(spans(feed(acc, [10, 11, 10, 11, 12, 9, 13]))).toEqual([
      [10, 12, 2],
      [12, 14, 2],
    ]);
  });

  it('closes on bytes', () => {
    const acc = new RangeAccumulator({ maxMessages: 100, maxBytes: 25 });
    expect(spans(feed(acc, [0, 1, 2, 3]))).toEqual([[0, 3, 3]]);
  });

  it('starts at the committed offset across a gap (compaction, transaction markers)', () => {
    const acc = new RangeAccumulator({ maxMessages: 2, maxBytes: 1e9 }, [], 100);
    expect(spans(feed(acc, [103, 104, 110, 111]))).toEqual([
      [100, 105, 2],
      [105, 112, 2],
    ]);
  });

  it('re-forms recorded ranges exactly, whatever the limits and the linger say', () => {
    // Originally cut by linger into [40,42) and [42,47); replayed with a count limit of 2.
    const acc = new RangeAccumulator({ maxMessages: 2, maxBytes: 1e9 }, [42, 47], 40);
    expect(acc.replaying).toBe(true);
    expect(spans(feed(acc, [40]))).toEqual([]);
    expect(acc.flush()).toBeUndefined(); // linger must not cut a recorded range short
    expect(spans(feed(acc, [41, 42, 43, 44, 45]))).toEqual([[40, 42, 2]]);
    expect(spans(feed(acc, [46]))).toEqual([[42, 47, 5]]);
    expect(acc.replaying).toBe(false);
    expect(spans(feed(acc, [47, 48]))).toEqual([[47, 49, 2]]);
  });

  it('settles a recorded range whose messages are gone (an empty range is returned)', () => {
    const acc = new RangeAccumulator({ maxMessages: 10, maxBytes: 1e9 }, [20, 30], 10);
    expect(spans(feed(acc, [25]))).toEqual([[10, 20, 0]]);
    expect(spans(feed(acc, [29]))).toEqual([[20, 30, 2]]);
  });
});

describe('pending metadata', () => {
  it('round-trips and rejects foreign or inconsistent metadata', () => {
    expect(decodePending(encodePending([12, 30]), 5)).toEqual([12, 30]);
    expect(encodePending([])).toBe('');
    expect(decodePending('', 5)).toEqual([]);
    expect(decodePending(null, 5)).toEqual([]);
    expect(decodePending('something else', 5)).toEqual([]);
    expect(decodePending(encodePending([12, 11]), 5)).toEqual([]);
    expect(decodePending(encodePending([5]), 5)).toEqual([]);
    expect(decodePending(encodePending([12]), -1)).toEqual([]);
  });
});
