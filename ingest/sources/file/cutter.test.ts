import { describe, expect, it } from 'vitest';
import { detectLayout, isTail, RecordCutter } from './cutter.js';

/** All record ends found when scanning `text` in pieces cut at `cuts`. */
function ends(text: string, depth: number, cuts: number[]): number[] {
  const buf = Buffer.from(text);
  const cutter = new RecordCutter(depth);
  const found: number[] = [];
  const edges = [0, ...cuts, buf.length];
  for (let k = 0; k + 1 < edges.length; k++) {
    for (let i = edges[k]!; i < edges[k + 1]!; i++) {
      // scan one byte at a time inside the piece so every end is reported
      const e = cutter.scan(buf, i, i + 1);
      if (e >= 0) found.push(e);
    }
  }
  return found;
}

const TRICKY = '{"a":"x}\\"{[","b":[1,{"c":"\\\\"}]}';

describe('RecordCutter', () => {
  it('ignores brackets and escaped quotes inside strings', () => {
    const text = `${TRICKY}\n${TRICKY}\n`;
    expect(ends(text, 0, [])).toEqual([TRICKY.length, TRICKY.length * 2 + 1]);
  });

  it('finds the same ends wherever the chunk edges fall', () => {
    const text = `,${TRICKY}\r\n,${TRICKY}`;
    const whole = ends(text, 2 - 2, []);
    for (let cut = 1; cut < text.length; cut++) {
      const cutter = new RecordCutter(0);
      const buf = Buffer.from(text);
      const a = cutter.scan(buf, 0, cut);
      const b = cutter.scan(buf, cut, buf.length);
      expect(Math.max(a, b)).toBe(whole.at(-1));
    }
  });

  it('reports only the last end of a scanned range', () => {
    const text = `{"records":[${TRICKY},${TRICKY}]}`;
    const layout = detectLayout(Buffer.from(text));
    const cutter = new RecordCutter(layout.recordDepth);
    expect(cutter.scan(Buffer.from(text), layout.bodyStart, text.length)).toBe(12 + TRICKY.length * 2 + 1);
  });
});

describe('detectLayout', () => {
  it.each([
    ['{"records":[{"time":1}]}', 2, 12],
    [' \r\n{ "records" : [ {"time":1}]}', 2, 18],
    ['\uFEFF{"records":[]}', 2, 15],
    ['[{"a":1},{"a":2}]', 1, 1],
    ['{"time":"x"}\n{"time":"y"}', 0, 0],
    ['{"other":1,"records":[]}', 0, 0],
  ])('%j → depth %i, body at %i', (text, depth, start) => {
    expect(detectLayout(Buffer.from(text))).toEqual({ recordDepth: depth, bodyStart: start });
  });
});

describe('isTail', () => {
  it('accepts separators and closing brackets only', () => {
    expect(isTail(Buffer.from('\r\n]}\n'))).toBe(true);
    expect(isTail(Buffer.from(''))).toBe(true);
    expect(isTail(Buffer.from(',{"a'))).toBe(false);
  });
});
