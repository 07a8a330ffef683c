import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAnalyzer } from './analyzer.js';
import { Cadence } from './cadence.js';

const analyzer = (id: string) =>
  defineAnalyzer({ id, title: id, category: id, config: z.object({}), query: () => null, detect: () => [] });
const fast = analyzer('fast');
const slow = analyzer('slow');
const w = (from: number, to: number) => ({ from: new Date(from * 60_000), to: new Date(to * 60_000) });
const ids = (runs: ReturnType<Cadence['plan']>) =>
  runs.map((r) => [
    r.analyzers.map((a) => a.id).join('+'),
    r.window.from.getTime() / 60_000,
    r.window.to.getTime() / 60_000,
  ]);

describe('Cadence', () => {
  it('runs analyzers without cadence every tick and the others over every skipped window', () => {
    const c = new Cadence({ slow: 5 });
    expect(ids(c.plan([fast, slow], w(0, 1), 1 * 60_000))).toEqual([
      ['fast', 0, 1],
      ['slow', 0, 1],
    ]);
    expect(ids(c.plan([fast, slow], w(1, 2), 2 * 60_000))).toEqual([['fast', 1, 2]]);
    expect(ids(c.plan([fast, slow], w(2, 3), 4 * 60_000))).toEqual([['fast', 2, 3]]);
    expect(ids(c.plan([fast, slow], w(3, 6), 6 * 60_000))).toEqual([
      ['fast', 3, 6],
      ['slow', 1, 6],
    ]);
    expect(ids(c.plan([fast, slow], w(6, 7), 7 * 60_000))).toEqual([['fast', 6, 7]]);
  });
});
