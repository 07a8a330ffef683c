import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.js';

/**
 * `flowlens enrich update --from <dir>` on MaxMind's own test databases (GeoLite2-ASN-Test and
 * GeoLite2-Country-Test from the MaxMind-DB repository, test/fixtures/enrich/README.md): files written
 * by MaxMind's writer, not by flowlens's test writer (test/harness/mmdb-writer.ts), in the layouts
 * GeoLite2 uses — an IPv6 tree holding IPv4 under `::ffff:0:0/96` and `2002::/16` aliases,
 * `autonomous_system_number`/`_organization`, `country.iso_code` or only `registered_country`.
 * The expected values are those of the repository's source-data JSON for each network.
 */
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'enrich', 'maxmind');

const dir = mkdtempSync(join(tmpdir(), 'flowlens-mmdb-maxmind-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Looked {
  ip: string;
  country: string;
  asn: number;
  asName: string;
}

describe('enrich update on MaxMind-written MMDB files', { timeout: 300_000 }, () => {
  it('loads both kinds from one directory and looks up IPv4 and IPv6 as MaxMind wrote them', async () => {
    const update = await runCli(['--db', dir, 'enrich', 'update', '--from', FIXTURES], {
      timeoutMs: 240_000,
    });
    expect(update.stderr).toBe('');
    expect(update.code).toBe(0);
    expect(update.stdout).toMatch(/^asn: \d+ prefixes/m);
    expect(update.stdout).toMatch(/^country: \d+ prefixes/m);

    const want: Record<string, Partial<Looked>> = {
      '1.0.0.1': { asn: 15169, asName: 'Google Inc.' }, // 1.0.0.0/24
      '1.128.0.1': { asn: 1221, asName: 'Telstra Pty Ltd' }, // 1.128.0.0/11
      '12.81.92.7': { asn: 7018, asName: 'AT&T Services' }, // 12.81.92.0/22
      '12.81.100.1': { asn: 7018, asName: '' }, // 12.81.96.0/19: a number without an organization
      '2001:1700::1': { asn: 6730, asName: 'Sunrise Communications AG' }, // 2001:1700::/27
      '2.125.160.217': { country: 'GB' }, // 2.125.160.216/29
      '89.160.20.113': { country: 'SE' }, // 89.160.20.112/28
      '2001:218::1': { country: 'JP' }, // 2001:218::/32
      '2001:250::1': { country: 'CN' }, // 2001:250::/31
    };
    const lookup = await runCli(['--db', dir, 'enrich', 'lookup', '--json', ...Object.keys(want)]);
    expect(lookup.code).toBe(0);
    const got = JSON.parse(lookup.stdout) as Looked[];
    for (const [ip, expected] of Object.entries(want)) {
      expect(
        got.find((r) => r.ip === ip),
        ip,
      ).toMatchObject(expected);
    }
  });
});
