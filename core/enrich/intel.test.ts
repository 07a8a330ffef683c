import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { intelTrieRows, parseIntel } from './intel.js';
import { ServiceTagsFileSchema, serviceTagRows } from './service-tags.js';

const fixture = (f: string) =>
  readFileSync(join(import.meta.dirname, '../../test/fixtures/enrich', f), 'utf8');

describe('parseIntel', () => {
  it('reads FireHOL netsets and Spamhaus DROP (comments, text after the address)', () => {
    expect(parseIntel(fixture('firehol_level1.netset'), 'lines')).toEqual({
      prefixes: ['0.0.0.0/8', '198.51.100.0/24', '203.0.113.7/32'],
      rejected: [],
    });
    expect(parseIntel(fixture('drop.txt'), 'lines').prefixes).toEqual(['198.51.100.128/25', '192.0.2.0/24']);
  });

  it('reads a CSV column by header name or index and reports bad rows with their line', () => {
    const byName = parseIntel(fixture('feodo.csv'), 'csv', 'dst_ip');
    expect(byName.prefixes).toEqual(['203.0.113.50/32']);
    expect(byName.rejected).toEqual([{ line: 4, reason: 'not an IP or CIDR: not-an-ip' }]);
    expect(parseIntel('a,192.0.2.1\nb,192.0.2.2\n', 'csv', 1).prefixes).toEqual([
      '192.0.2.1/32',
      '192.0.2.2/32',
    ]);
    expect(parseIntel(fixture('feodo.csv'), 'csv', 'ip').rejected[0]?.reason).toBe('no column ip');
  });

  it('reads ipv4-addr and ipv6-addr indicators from a STIX 2.1 bundle', () => {
    expect(parseIntel(fixture('indicators.stix.json'), 'stix').prefixes).toEqual([
      '203.0.113.99/32',
      '2001:db8:bad::/48',
    ]);
    expect(parseIntel('{', 'stix').rejected).toHaveLength(1);
  });
});

describe('intelTrieRows', () => {
  it('gives each prefix every list that covers it, and the highest confidence', () => {
    const rows = intelTrieRows([
      { list: 'firehol', prefix: '198.51.100.0/24', confidence: 70 },
      { list: 'drop', prefix: '198.51.100.128/25', confidence: 90 },
      { list: 'stix', prefix: '2001:db8:bad::/48', confidence: 60 },
    ]);
    expect(rows).toEqual([
      ['198.51.100.0/24', ['firehol'], 70],
      ['198.51.100.128/25', ['drop', 'firehol'], 90],
      ['2001:db8:bad::/48', ['stix'], 60],
    ]);
  });
});

describe('serviceTagRows', () => {
  it('keeps the most specific tag per prefix: service over AzureCloud, regional over global', () => {
    const file = ServiceTagsFileSchema.parse(JSON.parse(fixture('ServiceTags_Public_20261130.json')));
    const { rows, tags, rejected } = serviceTagRows(file);
    expect(tags).toBe(6);
    expect(rejected).toEqual([]);
    const byPrefix = new Map(rows.map((r) => [r[0], r.slice(1)]));
    expect(byPrefix.get('52.239.216.0/23')).toEqual([
      'Storage.AustraliaCentral',
      'AzureStorage',
      'australiacentral',
    ]);
    expect(byPrefix.get('13.65.107.32/28')).toEqual(['Storage', 'AzureStorage', '']);
    expect(byPrefix.get('20.36.32.0/19')).toEqual([
      'AzureCloud.australiacentral',
      'AzureCloud',
      'australiacentral',
    ]);
    expect(byPrefix.get('20.36.40.0/25')).toEqual(['AzureMonitor', 'AzureMonitor', '']);
    expect(byPrefix.get('2603:1010:300::/48')?.[0]).toBe('Storage.AustraliaCentral');
  });
});

describe('docs/enrichment.md', () => {
  it('its feed examples are valid configuration, and name the formats the docs promise', async () => {
    const { parse } = await import('yaml');
    const { parseConfig } = await import('../config/load.js');
    const doc = readFileSync(join(import.meta.dirname, '../../docs/enrichment.md'), 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const config = parseConfig(parse(yaml));
    expect(config.enrich.intel.map((f) => [f.name, f.format])).toEqual([
      ['firehol_level1', 'lines'],
      ['spamhaus_drop', 'lines'],
      ['feodo', 'csv'],
      ['tor_exit', 'lines'],
      ['internal_cti', 'stix'],
    ]);
    expect(parseConfig({}).enrich.intel).toEqual([]); // nothing enabled by default
    const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parseConfig(parse(m[1] ?? '')));
    expect(blocks[1]?.enrich.networks.vnets.map((v) => v.name)).toEqual(['hub', 'spoke-app']);
  });
});
