import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkInventorySchema } from '../../core/config/sections/enrich.js';
import { ASN_CSV, COUNTRY_CSV } from '../../core/enrich/datasets.js';
import { ensureNetworks, flowTypeSql } from '../../core/enrich/flow-type.js';
import { parseIntel } from '../../core/enrich/intel.js';
import { loadIntelList, loadServiceTags } from '../../core/enrich/load.js';
import { lookupAddress } from '../../core/enrich/lookup.js';
import { ensurePackagedDatasets, loadRangeFiles, type PackagedDataset } from '../../core/enrich/ranges.js';
import { ServiceTagsFileSchema } from '../../core/enrich/service-tags.js';
import { datasetStatus } from '../../core/enrich/store.js';
import { openTestDb } from '../harness/chdb.js';
import { REPO_ROOT } from '../harness/cli.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'enrich');
const NOW = new Date('2026-12-01T00:00:00Z');
let db: Awaited<ReturnType<typeof openTestDb>>;

/** The packaged datasets, pointed at slices of the real files with a settable installed version. */
function slices(version: { v: string }): PackagedDataset[] {
  const locate = () => ({ dir: FIXTURES, version: version.v });
  return [
    { dataset: ASN_CSV, packageName: '@ip-location-db/asn', files: ['asn-ipv4.csv', 'asn-ipv6.csv'], locate },
    {
      dataset: COUNTRY_CSV,
      packageName: '@ip-location-db/geo-whois-asn-country',
      files: ['geo-whois-asn-country-ipv4.csv', 'geo-whois-asn-country-ipv6.csv'],
      locate,
    },
  ];
}

beforeAll(async () => {
  db = await openTestDb();
});
afterAll(() => db.close());

describe('enrichment in chDB', { timeout: 120_000 }, () => {
  it('loads the packaged datasets once per installed version and answers IPv4 and IPv6 lookups', async () => {
    const version = { v: '2.3.2026061719' };
    const first = await ensurePackagedDatasets(db.client, () => NOW, slices(version));
    expect(first.map((r) => [r.name, r.lines, r.rejected])).toEqual([
      ['asn', 11, 0],
      ['country', 9, 0],
    ]);
    expect(await ensurePackagedDatasets(db.client, () => NOW, slices(version))).toEqual([]);
    const [google, cloudflare, v6, priv] = await lookupAddress(db.client, [
      '8.8.8.8',
      '1.0.0.9',
      '2001:4860::8888',
      '10.1.2.3',
    ]);
    expect(google).toMatchObject({
      country: 'US',
      asn: 15169,
      asName: 'Google LLC',
      serviceTag: '',
      threatLists: [],
    });
    expect(cloudflare).toMatchObject({ country: 'AU', asn: 13335, asName: 'Cloudflare, Inc.' });
    expect(v6).toMatchObject({ country: 'US', asn: 15169 });
    expect(priv).toMatchObject({ country: '', asn: 0, asName: '' });

    const status = await datasetStatus(db.client);
    expect(status.find((s) => s.name === 'asn')).toMatchObject({
      version: '2.3.2026061719',
      source: 'package:@ip-location-db/asn',
      dataDate: '2026-06-17T00:00:00Z',
    });
    version.v = '2.3.2026120100'; // a package upgrade reloads at the next start
    expect(
      (await ensurePackagedDatasets(db.client, () => NOW, slices(version))).map((r) => r.version),
    ).toEqual(['2.3.2026120100', '2.3.2026120100']);
  });

  it('keeps data an operator loaded from files over the packaged copy', async () => {
    await loadRangeFiles(db.client, ASN_CSV, [join(FIXTURES, 'asn-ipv4.csv')], {
      version: 'operator-1',
      source: 'file:asn-ipv4.csv',
      dataDate: NOW,
      now: new Date(NOW.getTime() + 1000),
    });
    const loaded = await ensurePackagedDatasets(db.client, () => NOW, slices({ v: '9.9.2027010100' }));
    expect(loaded.map((r) => r.name)).toEqual(['country']);
    const [v6] = await lookupAddress(db.client, ['2001:4860::8888']);
    expect(v6?.asn).toBe(0); // the operator's file had no IPv6 ranges
  });

  it('gives the most specific service tag', async () => {
    const file = ServiceTagsFileSchema.parse(
      JSON.parse(readFileSync(join(FIXTURES, 'ServiceTags_Public_20261130.json'), 'utf8')),
    );
    const r = await loadServiceTags(db.client, file, { source: 'file:test', now: NOW });
    expect(r).toMatchObject({ tags: 6, version: 'Public#342' });
    const tags = (
      await lookupAddress(db.client, [
        '52.239.217.1',
        '20.36.40.5',
        '20.36.50.1',
        '13.65.107.33',
        '2603:1010:300::1',
        '8.8.8.8',
      ])
    ).map((x) => x.serviceTag);
    expect(tags).toEqual([
      'Storage.AustraliaCentral',
      'AzureMonitor',
      'AzureCloud.australiacentral',
      'Storage',
      'Storage.AustraliaCentral',
      '',
    ]);
  });

  it('marks addresses on every list covering them, and an updated list is seen by the next query', async () => {
    const firehol = parseIntel(readFileSync(join(FIXTURES, 'firehol_level1.netset'), 'utf8'), 'lines');
    const drop = parseIntel(readFileSync(join(FIXTURES, 'drop.txt'), 'utf8'), 'lines');
    await loadIntelList(
      db.client,
      { name: 'firehol', prefixes: firehol.prefixes, confidence: 70 },
      { source: 't', now: NOW },
    );
    await loadIntelList(
      db.client,
      { name: 'drop', prefixes: drop.prefixes, confidence: 90 },
      { source: 't', now: NOW },
    );
    const lists = async (ips: string[]) => (await lookupAddress(db.client, ips)).map((x) => x.threatLists);
    expect(
      await lists(['198.51.100.200', '198.51.100.5', '192.0.2.1', '203.0.113.7', '203.0.113.8']),
    ).toEqual([['drop', 'firehol'], ['firehol'], ['drop'], ['firehol'], []]);
    await loadIntelList(
      db.client,
      { name: 'firehol', prefixes: ['203.0.113.8/32'], confidence: 70 },
      { source: 't', now: NOW },
    );
    expect(await lists(['198.51.100.5', '198.51.100.200', '203.0.113.8'])).toEqual([
      [],
      ['drop'],
      ['firehol'],
    ]);
  });
});

describe('flow types', { timeout: 120_000 }, () => {
  const classify = async (pairs: [string, string, boolean][]) => {
    const rs = await db.client.query({
      query:
        `SELECT ${flowTypeSql()} AS t FROM (SELECT toIPv6(p.1) AS local_ip, toIPv6(p.2) AS remote_ip, p.3 AS remote_is_public, n ` +
        'FROM (SELECT arrayJoin(arrayZip({l:Array(String)}, {r:Array(String)}, {pub:Array(Bool)}, range(length({l:Array(String)})))) AS z, ' +
        '(z.1, z.2, z.3) AS p, z.4 AS n)) ORDER BY n',
      query_params: { l: pairs.map((p) => p[0]), r: pairs.map((p) => p[1]), pub: pairs.map((p) => p[2]) },
      format: 'JSONEachRow',
    });
    return (await rs.json<{ t: string }>()).map((r) => r.t);
  };

  it('without inventory: the local end is assumed in a VNet; private peers are UnknownPrivate', async () => {
    expect((await ensureNetworks(db.client, NetworkInventorySchema.parse({}), () => NOW)).loaded).toBe(true);
    expect(
      await classify([
        ['10.0.1.4', '10.0.2.5', false],
        ['10.0.1.4', '8.8.8.8', true],
      ]),
    ).toEqual(['UnknownPrivate', 'ExternalPublic']);
  });

  it('classifies by the configured address spaces, service tags and threat lists', async () => {
    const networks = NetworkInventorySchema.parse({
      vnets: [
        { name: 'hub', prefixes: ['10.0.1.0/24'] },
        { name: 'spoke', prefixes: ['10.0.2.0/24', '10.0.3.0/24'] },
      ],
      siteToSite: ['172.16.0.0/16'],
      pointToSite: ['192.168.100.0/24'],
    });
    // A later load than the empty inventory's above: the newest load wins (argMax by loaded_at).
    const later = () => new Date(NOW.getTime() + 60_000);
    expect((await ensureNetworks(db.client, networks, later)).loaded).toBe(true);
    expect((await ensureNetworks(db.client, networks, later)).loaded).toBe(false);
    expect(
      await classify([
        ['10.0.2.4', '10.0.3.9', false],
        ['10.0.1.4', '10.0.2.5', false],
        ['10.0.1.4', '172.16.8.1', false],
        ['10.0.1.4', '192.168.100.7', false],
        ['10.0.1.4', '52.239.216.9', true], // Storage.AustraliaCentral (service tags loaded above)
        ['10.0.1.4', '8.8.8.8', true],
        ['10.0.1.4', '203.0.113.8', true], // on the firehol list loaded above
        ['10.0.1.4', '10.9.9.9', false],
        ['10.7.0.4', '10.9.9.9', false],
      ]),
    ).toEqual([
      'IntraVNet',
      'InterVNet',
      'S2S',
      'P2S',
      'AzurePublic',
      'ExternalPublic',
      'MaliciousFlow',
      'UnknownPrivate',
      'Unknown',
    ]);
  });
});
