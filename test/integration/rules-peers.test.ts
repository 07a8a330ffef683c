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

describe('rule report evidence peers', () => {
  it('names the country and AS of the addresses the real data knows, and leaves the others out', async () => {
    const { google, cloudflare } = SLICE_PEERS;
    expect(await lookupPeers(db, [google.ip, cloudflare.ip, '203.0.113.9'])).toEqual({
      [google.ip]: { country: google.country, asn: google.asn, asName: google.asName },
      [cloudflare.ip]: { country: cloudflare.country, asn: cloudflare.asn, asName: cloudflare.asName },
    });
    expect(await lookupPeers(db, [])).toEqual({});
  });
});
