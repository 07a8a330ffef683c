import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupPeers } from '../../analyze/rules/analysis/peers.js';
import { openTestDb } from '../harness/chdb.js';
import { loadEnrichSlices, SLICE_PEERS } from '../harness/enrich-slices.js';

let db: Awaited<ReturnType<typeof openTestDb>>;
beforeAll(async () => {
  db = await openTestDb();
  await loadEnrichSlices(db.client, new Date('2026-12-01T00:00:00Z'));
});
afterAll(() => db.close());

const named = (p: { country: string; asn: number; asName: string }) => ({
  country: p.country,
  asn: p.asn,
  asName: p.asName,
});

describe('rule report evidence peers', () => {
  it('names the country and AS of the addresses the real data knows, and leaves the others out', async () => {
    const { google, cloudflare } = SLICE_PEERS;
    expect(await lookupPeers(db, [google.ip, cloudflare.ip, '203.0.113.9'])).toEqual({
      [google.ip]: { ...named(google), serviceTag: '', threatLists: [] },
      [cloudflare.ip]: { ...named(cloudflare), serviceTag: '', threatLists: [] },
    });
    expect(await lookupPeers(db, [])).toEqual({});
  });
});
