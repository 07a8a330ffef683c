import { afterEach, describe, expect, it } from 'vitest';
import { generateNsgV2Blob, generateVnetBlob } from '../../../bench/gen-blob.js';
import type { FlowColumns } from '../../../core/flow/batch.js';
import { fixture, fixtureNames } from '../../../test/harness/fixtures.js';
import type { NormalizeMeta, NormalizeResult } from '../../contracts.js';
import { encodeFrame } from '../../sources/kafka/frame.js';
import { NormalizerPool } from './pool.js';
import { NORMALIZER_VARIANTS, type NormalizerVariant } from './variants.js';

const FAILING = new URL('../../../test/harness/failing-normalizers.ts', import.meta.url).href;
const BLOB_NAME =
  'resourceId=/SUBSCRIPTIONS/11111111-2222-3333-4444-555555555555/RESOURCEGROUPS/RG/PROVIDERS/' +
  'MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG-A/y=2026/m=01/d=01/h=00/m=00/macAddress=000D3A1B2C3D/PT1H.json';

const pools: NormalizerPool[] = [];
function pool(workers: number, variantsModule?: string): NormalizerPool {
  const p = new NormalizerPool({ workers, ...(variantsModule ? { variantsModule } : {}) });
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

/** Every column as plain arrays, so two results compare value by value (and typed-array kind). */
function plain(r: NormalizeResult) {
  const cols: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.columns as FlowColumns)) {
    cols[k] = ArrayBuffer.isView(v) ? [v.constructor.name, Array.from(v as Uint8Array)] : v;
  }
  return { cols, rejects: r.rejects, records: r.records };
}

/** Bodies that exercise every path: fixtures (good, odd and bad), generated blobs, garbage, frames. */
function bodies(): [string, Buffer][] {
  const out: [string, Buffer][] = fixtureNames().map((n) => [n, fixture(n)]);
  out.push(['nsg-v2 blob', generateNsgV2Blob({ targetBytes: 300_000, seed: 3 })]);
  out.push(['vnet blob', generateVnetBlob({ targetBytes: 300_000, seed: 4 })]);
  out.push(['truncated blob', generateNsgV2Blob({ targetBytes: 50_000, seed: 5 }).subarray(0, 31_337)]);
  out.push(['random bytes', Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256))]);
  out.push(['empty', Buffer.alloc(0)]);
  out.push(['lone surrogate', Buffer.from('{"records":[{"time":"\uD83D', 'utf8')]);
  const message = (offset: number, value: Buffer) => ({ offset, value, flags: 0 });
  out.push([
    'kafka frame',
    encodeFrame('flows/0', [
      message(10, fixture('msdocs_nsg-flowlog-v2_sample.json')),
      message(11, Buffer.from('not json')),
      { offset: 12, value: Buffer.alloc(0), flags: 1 },
    ]),
  ]);
  return out;
}

describe('NormalizerPool: same columns and rejects as in-thread', () => {
  const variants: NormalizerVariant[] = ['plain', 'blob-range', 'kafka-frames'];
  it.each(variants)('%s: every body gives identical columns, rejects and record counts', async (variant) => {
    const p = pool(2);
    const cases = bodies();
    const meta = (i: number): NormalizeMeta => ({
      source: `file:/x/${i}`,
      baseOffset: i * 1000,
      blobName: BLOB_NAME,
    });
    // All at once: more bodies than workers, so the queue and both workers are used.
    const viaPool = await Promise.all(cases.map(([, body], i) => p.run(variant, body, meta(i))));
    cases.forEach(([name, body], i) => {
      const inThread = NORMALIZER_VARIANTS[variant](body, meta(i));
      expect(plain(viaPool[i]!), name).toEqual(plain(inThread));
    });
    expect(p.inThread).toBe(false); // the worker threads did the work
    expect(viaPool.some((r) => r.columns.length > 1000)).toBe(true);
    expect(viaPool.some((r) => r.rejects.length > 0)).toBe(true);
  });

  it('leaves the caller’s body intact (the worker gets a copy)', async () => {
    const body = fixture('msdocs_nsg-flowlog-v2_sample.json');
    const copy = Buffer.from(body);
    const r = await pool(1).run('plain', body, { source: 'file:/x' });
    expect(r.columns.length).toBe(11);
    expect(body.equals(copy)).toBe(true);
  });
});

describe('NormalizerPool: failures become rejects, never a stopped run', () => {
  const good = () => fixture('msdocs_nsg-flowlog-v2_sample.json');

  it('a normalizer that throws gives the same reject as in-thread', async () => {
    const body = Buffer.from('THROW');
    const r = await pool(1, FAILING).run('plain', body, { source: 'file:/x', baseOffset: 40 });
    expect(r.columns.length).toBe(0);
    expect(r.rejects).toEqual([
      {
        reason: 'unknown-shape',
        detail: 'normalizer failed: boom',
        offset: 40,
        recordIndex: -1,
        tupleIndex: -1,
        excerpt: 'THROW',
      },
    ]);
  });

  it('a worker that dies mid-body: that body is one reject, the worker is replaced, the rest is normalized', async () => {
    const p = pool(1, FAILING);
    const [before, died, after] = await Promise.all([
      p.run('plain', good(), { source: 'file:/x' }),
      p.run('plain', Buffer.from('EXIT'), { source: 'file:/x', baseOffset: 7 }),
      p.run('plain', good(), { source: 'file:/x' }),
    ]);
    expect(before!.columns.length).toBe(11);
    expect(died!.columns.length).toBe(0);
    expect(died!.rejects).toHaveLength(1);
    expect(died!.rejects[0]).toMatchObject({ reason: 'unknown-shape', offset: 7, excerpt: 'EXIT' });
    expect(died!.rejects[0]!.detail).toMatch(/^normalizer failed: worker thread died: .*code 7/);
    expect(after!.columns.length).toBe(11);
    expect(p.inThread).toBe(false);
  });

  it('workers that cannot start: the pool normalizes in-thread instead, with the same results', async () => {
    process.env.FLOWLENS_TEST_WORKER_FAILS_TO_LOAD = '1';
    try {
      const p = pool(2, FAILING);
      const results = await Promise.all([1, 2, 3].map(() => p.run('plain', good(), { source: 'file:/x' })));
      for (const r of results)
        expect(plain(r)).toEqual(plain(NORMALIZER_VARIANTS.plain(good(), { source: 'file:/x' })));
      expect(p.inThread).toBe(true);
      const threw = await p.run('plain', Buffer.from('THROW'), { source: 'file:/x' });
      expect(threw.rejects[0]?.detail).toBe('normalizer failed: boom');
    } finally {
      delete process.env.FLOWLENS_TEST_WORKER_FAILS_TO_LOAD;
    }
  });
});
