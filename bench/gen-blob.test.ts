import { describe, expect, it } from 'vitest';
import { toRows } from '../core/flow/batch.js';
import { normalize } from '../ingest/normalizers/index.js';
import { countTuples } from '../test/harness/flow-tuples.js';
import { generateNsgV2Blob, generateVnetBlob } from './gen-blob.js';

describe('bench blob generator', () => {
  it.each([
    ['NSG v2', generateNsgV2Blob, 'nsg-v2'],
    ['VNet', generateVnetBlob, 'vnet'],
  ] as const)(
    '%s: deterministic per seed, near the byte target, Azure-shaped, fully normalizable',
    (_l, gen, format) => {
      const a = gen({ targetBytes: 300_000, seed: 7 });
      expect(gen({ targetBytes: 300_000, seed: 7 }).equals(a)).toBe(true);
      expect(gen({ targetBytes: 300_000, seed: 8 }).equals(a)).toBe(false);
      expect(a.length).toBeGreaterThan(200_000);
      expect(a.length).toBeLessThan(400_000);
      const text = a.toString('utf8');
      expect(text.startsWith('{"records":[')).toBe(true);
      expect(text.endsWith(']}')).toBe(true);
      expect(text.split('\r\n,')).toHaveLength(60);
      const r = normalize(a, { source: 'gen' });
      expect(r.rejects).toEqual([]);
      expect(r.records).toBe(60);
      expect(r.columns.length).toBe(countTuples(text));
      const rows = toRows(r.columns);
      expect(new Set(rows.map((x) => x.format))).toEqual(new Set([format]));
      const denies = rows.filter((x) => x.action === 'deny');
      expect(denies.length).toBeGreaterThan(0);
      expect(
        denies.every((x) => (format === 'vnet' ? x.state === 'deny' : x.state === 'begin' && !x.hasCounters)),
      ).toBe(true);
      expect(new Set(rows.map((x) => x.state)).size).toBeGreaterThanOrEqual(3);
    },
  );
});
