import { describe, expect, it } from 'vitest';
import { RangeAssembler, type RangeEvent } from './ranges.js';

const ev = (from: number, to: number, bytes = 10): RangeEvent[] =>
  Array.from({ length: to - from }, (_, i) => ({ sequenceNumber: from + i, bytes }));
const spans = (ranges: { start: number; end: number }[]) => ranges.map((r) => [r.start, r.end]);

describe('RangeAssembler', () => {
  it('closes each delivery as ranges within the limits', () => {
    const a = new RangeAssembler({ maxEvents: 3, maxBytes: 1e9 }, undefined);
    expect(spans(a.push(ev(0, 7)))).toEqual([
      [0, 3],
      [3, 6],
      [6, 7],
    ]);
    expect(spans(a.push(ev(7, 8)))).toEqual([[7, 8]]);
  });

  it('cuts on bytes', () => {
    const a = new RangeAssembler({ maxEvents: 100, maxBytes: 25 }, undefined);
    expect(spans(a.push(ev(0, 5)))).toEqual([
      [0, 3],
      [3, 5],
    ]);
  });

  it('re-forms a recorded range across deliveries, whatever the batch boundaries', () => {
    const a = new RangeAssembler({ maxEvents: 2, maxBytes: 1e9 }, [{ start: 10, end: 15 }]);
    expect(a.push(ev(10, 12))).toEqual([]);
    expect(a.waiting).toBe(2);
    expect(spans(a.push(ev(12, 17)))).toEqual([
      [10, 15],
      [15, 17],
    ]);
  });

  it('ignores recorded ranges that is already behind the stream', () => {
    const a = new RangeAssembler({ maxEvents: 10, maxBytes: 1e9 }, [{ start: 0, end: 5 }]);
    expect(spans(a.push(ev(5, 8)))).toEqual([[5, 8]]);
  });

  it('never runs into a recorded range that lies ahead', () => {
    const a = new RangeAssembler({ maxEvents: 10, maxBytes: 1e9 }, [{ start: 4, end: 6 }]);
    expect(spans(a.push(ev(0, 5)))).toEqual([[0, 4]]);
    expect(spans(a.push(ev(5, 9)))).toEqual([
      [4, 6],
      [6, 9],
    ]);
  });

  it('re-forms several recorded ranges written by an earlier owner, then cuts freely', () => {
    const recorded = [
      { start: 5, end: 9 },
      { start: 9, end: 10 },
      { start: 10, end: 20 },
    ];
    const a = new RangeAssembler({ maxEvents: 3, maxBytes: 1e9 }, recorded);
    const out = [...a.push(ev(3, 8)), ...a.push(ev(8, 15)), ...a.push(ev(15, 26))];
    expect(spans(out)).toEqual([
      [3, 5],
      [5, 9],
      [9, 10],
      [10, 20],
      [20, 23],
      [23, 26],
    ]);
  });

  it('replays the same ranges as a first run for any split of the deliveries', () => {
    for (let split = 1; split < 6; split += 1) {
      const a = new RangeAssembler({ maxEvents: 100, maxBytes: 1e9 }, [{ start: 0, end: 6 }]);
      const out = [...a.push(ev(0, split)), ...a.push(ev(split, 9))];
      expect(spans(out)).toEqual([
        [0, 6],
        [6, 9],
      ]);
    }
  });
});
