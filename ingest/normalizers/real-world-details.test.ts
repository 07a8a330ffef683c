/**
 * Real-world input details (issue 11, part 9), each on a fixture written the way its source
 * publishes it. Fixtures (test/fixtures/, written for flowlens, no third-party data):
 * - `flowlens_sdn-firewall-audit.json`: Windows Server / Azure Stack HCI SDN firewall auditing. The
 *   first record is Microsoft's published sample (learn.microsoft.com "SDN firewall auditing":
 *   `"Version":"1.0"` as a string, `portId`/`portName` instead of a MAC, a GUID `resourceId`, time
 *   `20180719:L012620622`; Microsoft Learn content, CC BY 4.0, MicrosoftDocs/windowsserverdocs),
 *   made valid JSON (the doc's excerpt ends in `},`); the second record is written in the same form.
 * - `flowlens_connector-splunk-2018.ndjson`: two flat records in the 2018 Splunk-shaped output of
 *   Microsoft's NSG connector (`nsgRuleName`, `rt`, `src`, `dst`, `spt`, `dpt`); values invented.
 * - `flowlens_nsg-v2_bad-record-time.json`: NSG v2 records whose `time` is unreadable ("yesterday"),
 *   absent, and valid (7 fractional digits, as Azure writes it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toRows } from '../../core/flow/batch.js';
import { EXCERPT_LIMIT, excerpt } from '../../core/flow/reject.js';
import { REPO_ROOT } from '../../test/harness/cli.js';
import { normalize } from './index.js';

const fixture = (name: string) => readFileSync(join(REPO_ROOT, 'test', 'fixtures', name));

describe('real-world input details', () => {
  it('SDN firewall auditing: GUID resourceId is the NSG, string Version, YYYYMMDD:L… time', () => {
    const r = normalize(fixture('flowlens_sdn-firewall-audit.json'), { source: 't' });
    expect(r.rejects).toEqual([]);
    const rows = toRows(r.columns);
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.nsg).toBe('394f647d-2ed0-4c31-87c5-389b8c0c8132');
      expect(row.format).toBe('nsg-v1');
      expect(row.mac).toBe('');
    }
    expect(rows[0]).toMatchObject({
      time: '2018-07-19T01:26:20.000Z',
      recordTime: '2018-07-19T01:26:20.622Z',
      srcIp: '192.122.0.22',
      dstPort: 138,
      rule: 'Allow_Inbound',
      action: 'allow',
    });
    expect(rows[2]).toMatchObject({ recordTime: '2018-07-19T01:27:21.004Z', dstPort: 445, action: 'deny' });
  });

  it('a Splunk-shaped connector record is an unknown shape, with its own text as excerpt', () => {
    const body = fixture('flowlens_connector-splunk-2018.ndjson');
    const r = normalize(body, { source: 't' });
    expect(r.columns.length).toBe(0);
    expect(r.rejects).toHaveLength(2);
    const lines = body.toString().trim().split('\n');
    r.rejects.forEach((rej, i) => {
      expect(rej.reason).toBe('unknown-shape');
      expect(rej.detail).toContain('nsgRuleName');
      expect(rej.tupleIndex).toBe(-1);
      expect(lines[i]!.startsWith(rej.excerpt.replace(/…$/, ''))).toBe(true);
      expect(rej.excerpt).toContain('"rt":"152958641');
    });
  });

  it('an unreadable or absent record time is a record-time reject, never 1970-01-01', () => {
    const r = normalize(fixture('flowlens_nsg-v2_bad-record-time.json'), { source: 't' });
    expect(r.rejects.map((x) => [x.reason, x.recordIndex, x.detail])).toEqual([
      ['record-time', 0, expect.stringContaining('"yesterday"')],
      ['record-time', 1, 'record has no time'],
    ]);
    expect(r.rejects[0]!.excerpt).toContain('"time":"yesterday"');
    const rows = toRows(r.columns);
    expect(rows.map((x) => [x.srcPort, x.recordTime])).toEqual([[51002, '2023-11-14T22:14:00.123Z']]);
  });
});

describe('excerpt', () => {
  it('never splits a surrogate pair at the cut and stays within the limit', () => {
    for (let pad = 0; pad < 4; pad++) {
      const text = `${'a'.repeat(EXCERPT_LIMIT - 4 + pad)}${'😀'.repeat(10)}`;
      const e = excerpt(text);
      expect(e.length).toBeLessThanOrEqual(EXCERPT_LIMIT);
      expect(e.endsWith('…')).toBe(true);
      expect(e).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      expect(Buffer.from(e, 'utf8').toString('utf8')).toBe(e);
    }
  });

  it('replaces lone surrogates and keeps NULs and astral characters', () => {
    expect(excerpt('a\uD83Db\uDE00c\u0000😀')).toBe('a\uFFFDb\uFFFDc\u0000😀');
    expect(excerpt('short')).toBe('short');
  });
});
