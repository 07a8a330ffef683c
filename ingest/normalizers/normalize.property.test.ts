import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/harness/fixtures.js';
import { countTuplesInJson } from '../../test/harness/flow-tuples.js';
import type { NormalizeResult } from '../contracts.js';
import { normalize } from './index.js';

/** Invariants every result must satisfy, whatever the input. */
function checkShape(r: NormalizeResult, bodyLength: number): void {
  const c = r.columns;
  expect(c.timeMs.length).toBe(c.length);
  expect(c.srcIp.length).toBe(c.length * 16);
  for (let i = 0; i < c.length; i++) {
    expect(c.ctx[i]!).toBeLessThan(c.contexts.length);
    expect(c.recordOffset[i]!).toBeLessThan(bodyLength);
  }
  for (const j of r.rejects) expect(j.excerpt.length).toBeLessThanOrEqual(512);
}

/** Rows + tuple-level rejects, each (record, tuple) position at most once. */
function accounted(r: NormalizeResult): number {
  const seen = new Set<string>();
  for (let i = 0; i < r.columns.length; i++)
    seen.add(`o${r.columns.recordOffset[i]}:${r.columns.tupleIndex[i]}`);
  expect(seen.size).toBe(r.columns.length);
  const rejected = new Set(
    r.rejects.filter((j) => j.tupleIndex >= 0).map((j) => `r${j.recordIndex}:${j.tupleIndex}`),
  );
  expect(rejected.size).toBe(r.rejects.filter((j) => j.tupleIndex >= 0).length);
  return seen.size + rejected.size;
}

const REAL = fixture('sumologic_nsg-v2_PT1H_real.json');
const REAL_VNET = fixture('sumologic_vnet-v4_PT1H_target-vnet_real.json');

describe('normalize never throws and accounts for every tuple', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const body = Buffer.from(bytes);
        checkShape(normalize(body, { source: 'p' }), body.length);
      }),
      { numRuns: 300 },
    );
  });

  it('random JSON values, wrapped as records or not', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, wrap) => {
        const text = wrap ? JSON.stringify({ records: [value] }) : JSON.stringify(value);
        const body = Buffer.from(text ?? 'null');
        const r = normalize(body, { source: 'p' });
        checkShape(r, body.length);
        expect(r.columns.length).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('every prefix of a real blob: complete records become rows, the cut one a single invalid-json reject', () => {
    const text = REAL.toString('latin1');
    const starts: number[] = [];
    for (let at = text.indexOf('{"time":'); at >= 0; at = text.indexOf('{"time":', at + 1)) starts.push(at);
    const ends = starts.map((_, i) => (i + 1 < starts.length ? starts[i + 1]! - 1 : text.length - 2));
    const perRecord = starts.map((s, i) => countTuplesInJson(JSON.parse(text.slice(s, ends[i]))));
    for (let len = 0; len <= REAL.length; len++) {
      const r = normalize(REAL.subarray(0, len), { source: 'p' });
      const complete = perRecord.filter((_, i) => ends[i]! <= len).reduce((a, b) => a + b, 0);
      expect(r.columns.length, `prefix ${len}`).toBe(complete);
      expect(r.rejects.length, `prefix ${len}`).toBeLessThanOrEqual(1);
      for (const j of r.rejects) expect(j.reason).toBe('invalid-json');
    }
  });

  it('mutated tuples: each tuple is exactly one row or one tuple reject', () => {
    const fieldNoise = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.constantFrom('', ',', '"', '\\', '-1', '99999999999999', 'é', '::1', '1.2.3.4', 'T', 'X', ' '),
    );
    for (const [blob, expected] of [
      [REAL, 153],
      [REAL_VNET, 166],
    ] as const) {
      const doc = JSON.parse(blob.toString('utf8')) as unknown;
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(12), fieldNoise), { maxLength: 30 }), (mutations) => {
          const copy = structuredClone(doc);
          const arrays = tupleArrays(copy);
          const flat = arrays.flatMap((arr) => arr.map((_, i) => [arr, i] as const));
          for (const [which, field, noise] of mutations) {
            const [arr, i] = flat[which % flat.length]!;
            const parts = arr[i]!.split(',');
            parts[field % parts.length] = noise;
            arr[i] = parts.join(',');
          }
          const body = Buffer.from(JSON.stringify(copy));
          const r = normalize(body, { source: 'p' });
          checkShape(r, body.length);
          expect(r.rejects.filter((j) => j.tupleIndex < 0)).toEqual([]);
          expect(accounted(r)).toBe(expected);
        }),
        { numRuns: 150 },
      );
    }
  });
  it('structurally mutated records (values replaced by random JSON) never throw or invent tuples', () => {
    for (const blob of [REAL, REAL_VNET]) {
      const doc = JSON.parse(blob.toString('utf8')) as unknown;
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 })), { maxLength: 5 }),
          (edits) => {
            const copy = structuredClone(doc);
            const slots = valueSlots(copy);
            for (const [which, value] of edits) {
              const [holder, key] = slots[which % slots.length]!;
              holder[key] = value;
            }
            const body = Buffer.from(JSON.stringify(copy));
            const r = normalize(body, { source: 'p' });
            checkShape(r, body.length);
            expect(accounted(r)).toBeLessThanOrEqual(countTuplesInJson(copy));
          },
        ),
        { numRuns: 150 },
      );
    }
  });
});

/** Every (object, key) / (array, index) position below the records array, for structural edits. */
function valueSlots(value: unknown, out: [Record<string | number, unknown>, string | number][] = []) {
  if (value === null || typeof value !== 'object') return out;
  const holder = value as Record<string | number, unknown>;
  for (const key of Object.keys(holder)) {
    out.push([holder, Array.isArray(holder) ? Number(key) : key]);
    valueSlots(holder[key], out);
  }
  return out;
}

function tupleArrays(value: unknown): string[][] {
  if (Array.isArray(value)) return value.flatMap(tupleArrays);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) =>
    k === 'flowTuples' && Array.isArray(v) ? [v as string[]] : tupleArrays(v),
  );
}
