import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseIpList } from './ip-set.js';
import { loadThreatIntel } from './threat-intel.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlens-ti-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('threat-intel lists', () => {
  it('parses addresses and CIDRs with # and ; comments (Spamhaus DROP style)', () => {
    const { entries, invalid } = parseIpList(
      '# header\n1.2.3.0/24 ; SBL123\n\n45.155.205.233\n2001:db8::/32\nnot-an-ip\n',
    );
    expect(entries).toEqual(['1.2.3.0/24', '45.155.205.233', '2001:db8::/32']);
    expect(invalid).toBe(1);
  });

  it('loads files and URLs; a missing file or failing URL is skipped', async () => {
    const file = join(dir, 'drop.txt');
    writeFileSync(file, '185.220.101.0/24 ; tor exits\n');
    const server = createServer((req, res) => {
      res.statusCode = req.url === '/list' ? 200 : 404;
      res.end(req.url === '/list' ? '91.92.109.23\n' : 'no');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const set = await loadThreatIntel({
        files: [file, join(dir, 'missing.txt')],
        urls: [`${base}/list`, `${base}/gone`],
        refreshMinutes: 60,
      });
      expect(set.size).toBe(2);
      expect(set.match('185.220.101.45')).toBe('185.220.101.0/24');
      expect(set.has('91.92.109.23')).toBe(true);
      expect(set.has('8.8.8.8')).toBe(false);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
