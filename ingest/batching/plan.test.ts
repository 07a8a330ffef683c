import { describe, expect, it } from 'vitest';
import {
  attribute,
  batchToken,
  claim,
  DEFAULT_COALESCE,
  isFull,
  isSolo,
  missing,
  wouldOverflow,
} from './plan.js';

const limits = { ...DEFAULT_COALESCE, maxRows: 100, maxBytes: 1000 };

describe('coalescing plan', () => {
  it('flushes before a member would take the buffer past rows or bytes, and when a limit is reached', () => {
    expect(wouldOverflow({ rows: 0, bytes: 0 }, { rows: 500, bytes: 5000 }, limits)).toBe(false);
    expect(wouldOverflow({ rows: 60, bytes: 10 }, { rows: 41, bytes: 10 }, limits)).toBe(true);
    expect(wouldOverflow({ rows: 10, bytes: 900 }, { rows: 1, bytes: 101 }, limits)).toBe(true);
    expect(wouldOverflow({ rows: 59, bytes: 10 }, { rows: 41, bytes: 10 }, limits)).toBe(false);
    expect(isFull({ rows: 100, bytes: 0 }, limits)).toBe(true);
    expect(isFull({ rows: 1, bytes: 1000 }, limits)).toBe(true);
    expect(isFull({ rows: 99, bytes: 999 }, limits)).toBe(false);
    expect(isSolo({ rows: 100, bytes: 0 }, limits)).toBe(true);
    expect(isSolo({ rows: 99, bytes: 1e9 }, limits)).toBe(false);
  });

  it('names a batch by its members in order; a batch of one keeps the member token', () => {
    expect(batchToken(['blob:a:0-10'])).toBe('blob:a:0-10');
    const ab = batchToken(['blob:a:0-10', 'blob:b:0-10']);
    expect(ab).toMatch(/^batch:[0-9a-f]{40}$/);
    expect(batchToken(['blob:a:0-10', 'blob:b:0-10'])).toBe(ab);
    expect(batchToken(['blob:b:0-10', 'blob:a:0-10'])).not.toBe(ab);
    // Token boundaries matter: joining without a separator would make these equal.
    expect(batchToken(['a', 'bc'])).not.toBe(batchToken(['ab', 'c']));
  });

  it('claims members for the newest recorded batch that holds them', () => {
    const old = { batchId: 'b1', members: ['x', 'y', 'z'], createdMs: 1, written: false };
    const newer = { batchId: 'b2', members: ['y', 'w'], createdMs: 2, written: true };
    const claimed = claim(['y', 'z', 'q'], [old, newer]);
    expect(claimed.get('y')?.batchId).toBe('b2');
    expect(claimed.get('z')?.batchId).toBe('b1');
    expect(claimed.has('q')).toBe(false);
    expect(missing(old, new Set(['z']))).toEqual(['x', 'y']);
  });

  it('splits a per-source committed difference across the members of that source, in order', () => {
    const members = [
      { label: 'a', rows: 5 },
      { label: 'b', rows: 3 },
      { label: 'a', rows: 4 },
    ];
    expect(
      attribute(
        members,
        new Map([
          ['a', 9],
          ['b', 3],
        ]),
      ),
    ).toEqual([5, 3, 4]);
    expect(attribute(members, new Map([['a', 0]]))).toEqual([0, 0, 0]);
    expect(
      attribute(
        members,
        new Map([
          ['a', 6],
          ['b', -2],
        ]),
      ),
    ).toEqual([5, 0, 1]);
  });
});
