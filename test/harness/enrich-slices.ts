import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { NetworkInventorySchema } from '../../core/config/sections/enrich.js';
import { ASN_CSV, COUNTRY_CSV } from '../../core/enrich/datasets.js';
import { ensureNetworks } from '../../core/enrich/flow-type.js';
import { loadRangeFiles } from '../../core/enrich/ranges.js';
import { REPO_ROOT } from './cli.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'enrich');

/**
 * Addresses inside the slices of the real @ip-location-db files in test/fixtures/enrich, with what
 * those lines say about them (tests seed flows with these peers and expect exactly this).
 */
export const SLICE_PEERS = {
  google: { ip: '8.8.8.8', country: 'US', asn: 15169, asName: 'Google LLC' },
  cloudflare: { ip: '1.0.0.9', country: 'AU', asn: 13335, asName: 'Cloudflare, Inc.' },
  arteria: { ip: '1.0.16.5', country: 'JP', asn: 2519, asName: 'ARTERIA Networks Corporation' },
} as const;

/**
 * Loads the ASN and country slices the way an operator's `enrich update` would (tests run with the
 * packaged data off), and the empty network inventory (local ends assumed in a VNet).
 */
export async function loadEnrichSlices(client: ClickHouseClient, now: Date): Promise<void> {
  const meta = { version: 'slice', dataDate: now, now };
  await loadRangeFiles(client, ASN_CSV, [join(FIXTURES, 'asn-ipv4.csv')], {
    ...meta,
    source: 'file:asn-ipv4.csv',
  });
  await loadRangeFiles(client, COUNTRY_CSV, [join(FIXTURES, 'geo-whois-asn-country-ipv4.csv')], {
    ...meta,
    source: 'file:geo-whois-asn-country-ipv4.csv',
  });
  await ensureNetworks(client, NetworkInventorySchema.parse({}), () => now);
}
