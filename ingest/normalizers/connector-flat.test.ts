import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateNsgV2Blob } from '../../bench/gen-blob.js';
import { toRows } from '../../core/flow/batch.js';
import { CONNECTOR_RECORD } from '../../test/harness/fixture-facts.js';
import type { NormalizeResult } from '../contracts.js';
import { toMessages } from '../sources/kafka/messages.js';
import { FlatConnectorReader } from './connector-flat.js';
import { normalize } from './index.js';

const SAMPLE = { ...CONNECTOR_RECORD };

function read(text: string): { at: number; tuple: string } {
  const r = new FlatConnectorReader();
  const buf = Buffer.from(text);
  const at = r.read(buf, 0, buf.length);
  return { at, tuple: at < 0 ? '' : r.tuple.toString('latin1', 0, r.tupleLength) };
}

describe('FlatConnectorReader', () => {
  it('reads the real connector record and rebuilds its tuple', () => {
    const text = JSON.stringify(SAMPLE);
    expect(read(text)).toEqual({
      at: text.length,
      tuple: '1631304101,172.16.0.9,172.16.0.11,61914,80,T,I,A,B,,,,',
    });
  });

  it('fills empty counters with 0 when some are set, and keeps 8 fields without flowState', () => {
    const { flowState: _, ...v1 } = SAMPLE;
    expect(read(JSON.stringify(v1)).tuple).toBe('1631304101,172.16.0.9,172.16.0.11,61914,80,T,I,A');
    const some = { ...SAMPLE, flowState: 'E', packetsStoD: '3', bytesDtoS: '' };
    expect(read(JSON.stringify(some)).tuple).toBe(
      '1631304101,172.16.0.9,172.16.0.11,61914,80,T,I,A,E,3,0,0,0',
    );
  });

  it('accepts whitespace, duplicate keys (last wins) and numeric version', () => {
    const text = '{ "nsgRuleName" : "r" ,\n"startTime":"1","startTime":"2", "version": 2.0 }';
    expect(read(text)).toEqual({ at: text.length, tuple: '2,,,,,,,' });
  });

  it.each([
    ['an unknown key', { ...SAMPLE, properties: {} }],
    ['a numeric tuple field', { ...SAMPLE, startTime: 1631304101 }],
    ['a null flowState', { ...SAMPLE, flowState: null }],
    ['an escape', { ...SAMPLE, nsgRuleName: 'a"b' }],
    ['a non-ASCII tuple byte', { ...SAMPLE, sourcePort: 'é' }],
    ['no nsgRuleName', { ...SAMPLE, nsgRuleName: undefined }],
    ['an exponent version', { ...SAMPLE, version: 2, category: 1e21 }],
  ])('declines %s (the general path decides)', (_, rec) => {
    expect(read(JSON.stringify(rec)).at).toBe(-1);
  });

  it('declines truncated and malformed objects', () => {
    const text = JSON.stringify(SAMPLE);
    for (const bad of [text.slice(0, -1), text.slice(0, 40), '{}', '{"nsgRuleName":"r",}', '[1]'])
      expect(read(bad).at).toBe(-1);
  });
});

/** An unknown trailing member sends a record to the general path; PAD has its byte length. */
const FORCE_GENERAL = ',"zz":0';
const PAD = ' '.repeat(FORCE_GENERAL.length);

function compare(fast: NormalizeResult, general: NormalizeResult): void {
  expect(toRows(fast.columns)).toEqual(toRows(general.columns));
  // A whole-record reject quotes the record, whose tail differs between the variants by design.
  const strip = (r: NormalizeResult) =>
    r.rejects.map((j) => (j.tupleIndex < 0 ? { ...j, excerpt: j.excerpt.slice(0, 200) } : j));
  expect(strip(fast)).toEqual(strip(general));
  expect(fast.records).toBe(general.records);
}

/** One message in two byte-aligned variants: fast-path records, and the same forced onto the general path. */
function variants(records: string[]): [Buffer, Buffer] {
  const join = (end: string) => `{"records":[${records.map((r) => `${r.slice(0, -1)}${end}}`).join(',')}]}`;
  return [Buffer.from(join(PAD)), Buffer.from(join(FORCE_GENERAL))];
}

const VALUES = [
  '',
  '0',
  '1',
  '80',
  '65536',
  'x',
  'T',
  'U',
  'I',
  'O',
  'A',
  'D',
  'B',
  'C',
  'E',
  '10.0.0.4',
  '::1',
  '1631304101',
  'é',
  'a\\"b',
];
const KEYS = Object.keys(SAMPLE).filter((k) => k !== 'version' && k !== 'category' && k !== 'operationName');

describe('fast connector path = general connector path (differential)', () => {
  it('generated connector messages', () => {
    const messages = toMessages(generateNsgV2Blob({ targetBytes: 300_000, seed: 7 }), 'connector');
    for (const m of messages.slice(0, 4)) {
      const records = (JSON.parse(m.toString()).records as unknown[]).map((r) => JSON.stringify(r));
      const [fast, general] = variants(records);
      // Not vacuous: every record of the first variant is one the fast reader takes.
      for (const r of records) expect(read(`${r.slice(0, -1)}${PAD}}`).at).toBeGreaterThan(0);
      const a = normalize(fast, { source: 't', baseOffset: 5 });
      expect(a.columns.length).toBe(records.length);
      compare(a, normalize(general, { source: 't', baseOffset: 5 }));
    }
  });

  it('random edits of connector records (values, missing keys, key variants, order)', () => {
    const edit = fc.record({
      key: fc.constantFrom(...KEYS, 'resourceID', 'macAddress'),
      value: fc.option(fc.constantFrom(...VALUES), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(edit, { maxLength: 4 }), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (recs, shuffle) => {
          const records = recs.map((edits) => {
            const r: Record<string, unknown> = { ...SAMPLE };
            for (const e of edits) {
              if (e.value === undefined) delete r[e.key];
              else r[e.key] = e.value.replace('\\"', '"');
            }
            const entries = Object.entries(r);
            return JSON.stringify(Object.fromEntries(shuffle ? entries.reverse() : entries));
          });
          const [fast, general] = variants(records);
          compare(normalize(fast, { source: 't' }), normalize(general, { source: 't' }));
        },
      ),
      { numRuns: 300 },
    );
  });
});
