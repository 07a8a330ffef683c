import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.js';

/**
 * `flowlens enrich update --from <file.mmdb>` on a real MMDB: ip-location-db's
 * geo-whois-asn-country (IPv4 + IPv6 in one tree, with MaxMind's IPv4 aliases), a devDependency,
 * through the real CLI. Its lookups must equal the same data's CSV edition (the installed
 * `@ip-location-db/geo-whois-asn-country`): the start and the end address of every 997th range.
 */
const require = createRequire(import.meta.url);
const pkgDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
const MMDB = join(pkgDir('@ip-location-db/geo-whois-asn-country-mmdb'), 'geo-whois-asn-country.mmdb');
const CSV = pkgDir('@ip-location-db/geo-whois-asn-country');
const EVERY = 997;

const dir = mkdtempSync(join(tmpdir(), 'flowlens-mmdb-real-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Range {
  first: bigint;
  last: bigint;
  country: string;
}

/** The ranges of one CSV edition file: `<stem>.csv` (addresses) and `<stem>-num.csv` (the same lines as integers). */
function readRanges(stem: string): { text: string[][]; ranges: Range[] } {
  const lines = (file: string) => readFileSync(join(CSV, file), 'utf8').trim().split('\n');
  const text = lines(`${stem}.csv`).map((l) => l.split(','));
  const ranges = lines(`${stem}-num.csv`).map((l) => {
    const [first, last, country] = l.split(',');
    return { first: BigInt(first!), last: BigInt(last!), country: country! };
  });
  expect(ranges.length).toBe(text.length);
  return { text, ranges };
}

/**
 * The country the CSV gives `n`, whose nearest range starting at or before it is `ranges[i]`: the
 * CSV nests some ranges (a /22 with more specific /29s inside, sorted by start), and the narrowest
 * one wins, as in the IP_TRIE both editions load into. That is the containing range that starts last.
 */
function csvCountry(ranges: Range[], i: number, n: bigint): string | undefined {
  for (let j = i; j >= 0 && i - j < 10_000; j--) {
    const r = ranges[j]!;
    if (r.first <= n && n <= r.last) return r.country;
  }
  return undefined;
}

/** `[address, expected country]` for the first and the last address of every EVERY-th range. */
function sample(stem: string): [string, string][] {
  const { text, ranges } = readRanges(stem);
  const out: [string, string][] = [];
  for (let i = 0; i < ranges.length; i += EVERY) {
    // The last address may sit inside a later, nested range: find the range starting last before it.
    let k = i;
    while (k + 1 < ranges.length && ranges[k + 1]!.first <= ranges[i]!.last) k++;
    out.push([text[i]![0]!, csvCountry(ranges, i, ranges[i]!.first)!]);
    out.push([text[i]![1]!, csvCountry(ranges, k, ranges[i]!.last)!]);
  }
  return out;
}

describe('enrich update on a real MMDB file (ip-location-db geo-whois-asn-country)', {
  timeout: 600_000,
}, () => {
  it('loads it through the CLI, and lookups equal the CSV edition of the same data, IPv4 and IPv6', async () => {
    const update = await runCli(['--db', dir, 'enrich', 'update', '--from', MMDB], { timeoutMs: 480_000 });
    expect(update.stderr).toBe('');
    expect(update.code).toBe(0);
    const loaded = /^country: (\d+) prefixes from (\d+) ranges \(0 rejected\)/.exec(update.stdout);
    expect(loaded, update.stdout).not.toBeNull();
    // Both address families: far more networks than either CSV file has lines.
    expect(Number(loaded![1])).toBeGreaterThan(500_000);

    const want = [...sample('geo-whois-asn-country-ipv4'), ...sample('geo-whois-asn-country-ipv6')];
    expect(want.filter(([ip]) => ip.includes(':')).length).toBeGreaterThan(100);
    expect(want.filter(([ip]) => !ip.includes(':')).length).toBeGreaterThan(300);
    const lookup = await runCli(['--db', dir, 'enrich', 'lookup', '--json', ...want.map(([ip]) => ip)]);
    expect(lookup.code).toBe(0);
    const got = (JSON.parse(lookup.stdout) as { ip: string; country: string }[]).map((r) => [
      r.ip,
      r.country,
    ]);
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want));
  });
});
