import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/load.js';
import { REPO_ROOT, runCli } from '../harness/cli.js';
import { writeMmdb } from '../harness/mmdb-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlens-enrich-cli-'));
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'enrich');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('flowlens enrich', { timeout: 300_000 }, () => {
  it('loads the packaged data at first start by default (tests turn it off through the environment)', () => {
    expect(loadConfig({ env: {} }).enrich.packagedData).toBe('load');
    expect(loadConfig({ env: { FLOWLENS_ENRICH__PACKAGED_DATA: 'off' } }).enrich.packagedData).toBe('off');
  });

  it('update, service-tags import and intel import load data that lookup and stats show', async () => {
    const db = ['--db', dir];
    const update = await runCli([
      ...db,
      'enrich',
      'update',
      '--from',
      FIXTURES,
      '--data-version',
      '2.3.2026061719',
    ]);
    expect(update.stderr).toBe('');
    expect(update.stdout).toContain('asn: ');
    expect(update.stdout).toContain('country: ');
    const tags = await runCli([
      ...db,
      'enrich',
      'service-tags',
      'import',
      join(FIXTURES, 'ServiceTags_Public_20261130.json'),
    ]);
    expect(tags.stdout).toBe('service tags: 6 tags, 7 prefixes, version Public#342\n');
    const intel = await runCli([
      ...db,
      'enrich',
      'intel',
      'import',
      join(FIXTURES, 'feodo.csv'),
      '--name',
      'feodo',
      '--format',
      'csv',
      '--column',
      'dst_ip',
    ]);
    expect(intel.code).toBe(0);
    expect(intel.stdout).toBe('feodo: 1 prefixes (1 rejected)\n');
    expect(intel.stderr).toContain('feodo.csv:4: not an IP or CIDR: not-an-ip');

    const lookup = await runCli([
      ...db,
      'enrich',
      'lookup',
      '--json',
      '8.8.8.8',
      '203.0.113.50',
      '52.239.216.9',
    ]);
    expect(JSON.parse(lookup.stdout)).toEqual([
      { ip: '8.8.8.8', country: 'US', asn: 15169, asName: 'Google LLC', serviceTag: '', threatLists: [] },
      { ip: '203.0.113.50', country: '', asn: 0, asName: '', serviceTag: '', threatLists: ['feodo'] },
      {
        ip: '52.239.216.9',
        country: '',
        asn: 0,
        asName: '',
        serviceTag: 'Storage.AustraliaCentral',
        threatLists: [],
      },
    ]);
    const stats = JSON.parse((await runCli([...db, 'stats', '--json'])).stdout) as {
      datasets: { name: string; version: string }[];
    };
    expect(stats.datasets.map((d) => [d.name, d.version])).toEqual([
      ['asn', '2.3.2026061719'],
      ['country', '2.3.2026061719'],
      ['intel:feodo', '1'],
      ['networks', expect.stringMatching(/^[0-9a-f]{16}$/)], // the flow-type inventory, from config
      ['service-tags', 'Public#342'],
    ]);
    const text = (await runCli([...db, 'stats'])).stdout;
    expect(text).toMatch(/enrichment datasets\n {2}asn +2\.3\.2026061719 +\d+ prefixes +\d+ days old/);
  });

  it('update --from loads MaxMind .mmdb ASN and country databases that lookup answers from', async () => {
    const from = join(dir, 'mmdb');
    mkdirSync(from);
    const google = { autonomous_system_number: 15169, autonomous_system_organization: 'Google LLC' };
    const asn = [
      { cidr: '8.8.8.0/24', record: google },
      { cidr: '2001:4860::/32', record: google },
    ];
    const country = [
      { cidr: '81.2.69.0/24', record: { country: { iso_code: 'GB' } } },
      { cidr: '2001:4860::/32', record: { country: { iso_code: 'US' } } },
    ];
    // File names say nothing: the kind comes from the records.
    writeFileSync(join(from, 'a.mmdb'), writeMmdb(asn, { databaseType: 'GeoLite2-ASN', aliasIpv4: true }));
    writeFileSync(join(from, 'b.mmdb'), writeMmdb(country, { databaseType: 'GeoLite2-Country' }));
    writeFileSync(join(from, 'c.mmdb'), 'not a database');
    const db = ['--db', join(dir, 'mmdb-db')];
    const update = await runCli([...db, 'enrich', 'update', '--from', from]);
    expect(update.code).toBe(0);
    expect(update.stdout).toBe(
      'asn: 2 prefixes from 2 ranges (0 rejected), version a.mmdb\n' +
        'country: 2 prefixes from 2 ranges (0 rejected), version b.mmdb\n',
    );
    expect(update.stderr).toContain('c.mmdb: skipped, not an ASN or country MaxMind DB');
    const lookup = await runCli([
      ...db,
      'enrich',
      'lookup',
      '--json',
      '8.8.8.8',
      '2001:4860:4860::8888',
      '81.2.69.160',
    ]);
    const base = { serviceTag: '', threatLists: [] };
    expect(JSON.parse(lookup.stdout)).toEqual([
      { ip: '8.8.8.8', country: '', asn: 15169, asName: 'Google LLC', ...base },
      { ip: '2001:4860:4860::8888', country: 'US', asn: 15169, asName: 'Google LLC', ...base },
      { ip: '81.2.69.160', country: 'GB', asn: 0, asName: '', ...base },
    ]);
  });

  it('rejects bad arguments with a message', async () => {
    const r = await runCli([
      '--db',
      dir,
      'enrich',
      'intel',
      'import',
      join(FIXTURES, 'drop.txt'),
      '--name',
      'bad name',
      '--confidence',
      '101',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--name');
    expect(r.stderr).toContain('--confidence');
  });
});
