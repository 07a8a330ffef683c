import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestSummary } from '../../cli/ingest-progress.js';
import { openDb } from '../../core/clickhouse/client.js';
import { simulateToDirectory } from '../../simulator/scenario.js';
import { rows } from '../harness/chdb.js';
import { REPO_ROOT, runCli } from '../harness/cli.js';

/**
 * Issue 11's bar for bad input, through the real CLI and chDB: a 640-byte file whose record excerpt
 * is cut inside an emoji, a few MB of random bytes, a symlink loop, a link back up the tree, and
 * the non-flow JSON `flowlens simulate` writes beside its logs. One run: exit 0, the rejects stored,
 * the non-flow files and loops skipped with a note each, and the valid files beside them ingested.
 */
const KEEP_ALL = {
  FLOWLENS_DATABASE_RETENTION__RAW_DAYS: '0',
  FLOWLENS_DATABASE_RETENTION__MINUTE_DAYS: '0',
  FLOWLENS_DATABASE_RETENTION__HOUR_DAYS: '0',
};
const work = mkdtempSync(join(tmpdir(), 'flowlens-bad-input-'));
const input = join(work, 'input');
const SDN_TUPLES = 3; // test/fixtures/flowlens_sdn-firewall-audit.json

/** A record whose 511-unit excerpt cut falls between the two halves of an emoji. */
function emojiFile(): string {
  const head = '{"records":[{"time":"x","junk":"';
  const text = `${head}${'a'.repeat(470)}${'😀'.repeat(30)}"}]}`;
  return text;
}

beforeAll(() => {
  mkdirSync(join(input, 'sub'), { recursive: true });
  const emoji = emojiFile();
  expect(Buffer.byteLength(emoji)).toBeLessThanOrEqual(640);
  writeFileSync(join(input, 'a-emoji.json'), emoji);
  writeFileSync(join(input, 'b-random.bin'), randomBytes(3 * 1024 * 1024));
  symlinkSync('c-loop', join(input, 'c-loop'));
  symlinkSync('..', join(input, 'sub', 'up'));
  copyFileSync(
    join(REPO_ROOT, 'test', 'fixtures', 'flowlens_sdn-firewall-audit.json'),
    join(input, 'sub', 'z-sdn.json'),
  );
  const sim = simulateToDirectory(join(work, 'sim'), { hours: 1, startMs: Date.UTC(2021, 0, 1) });
  copyFileSync(sim.nsgFile, join(input, 'nsgs.json'));
  copyFileSync(sim.groundTruthFile, join(input, 'ground-truth.json'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('flowlens ingest on bad input', { timeout: 300_000 }, () => {
  const db = join(work, 'db');

  it('ends with exit 0, stores the rejects, skips loops and non-flow files, ingests the valid file', async () => {
    const r = await runCli(['--db', db, 'ingest', '--json', '--chunk-mb', '1', input], { env: KEEP_ALL });
    expect(r.stderr).not.toContain('ingest stopped');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as IngestSummary & { notes: number };
    expect(summary.tuples).toBe(SDN_TUPLES);
    expect(summary.rejects).toBeGreaterThan(1);
    expect(summary.notes).toBe(4);
    expect(r.stderr).toMatch(/c-loop: skipped: symlink loop/);
    expect(r.stderr).toMatch(/sub\/up: skipped: directory already visited/);
    expect(r.stderr).toMatch(/nsgs\.json: skipped: not a flow log/);
    expect(r.stderr).toMatch(/ground-truth\.json: skipped: not a flow log/);

    const conn = openDb({ kind: 'embedded', path: db });
    try {
      const flows = await rows<{ n: string; nsg: string }>(
        conn,
        'SELECT count() AS n, any(nsg) AS nsg FROM flows',
      );
      expect(Number(flows[0]!.n)).toBe(SDN_TUPLES);
      expect(flows[0]!.nsg).toBe('394f647d-2ed0-4c31-87c5-389b8c0c8132');
      const rejects = await rows<{ source: string; n: string }>(
        conn,
        'SELECT source, count() AS n FROM rejects GROUP BY source ORDER BY source',
      );
      expect(rejects.map((x) => x.source)).toEqual([
        join(input, 'a-emoji.json'),
        join(input, 'b-random.bin'),
      ]);
      expect(rejects.reduce((s, x) => s + Number(x.n), 0)).toBe(summary.rejects);
      const [emoji] = await rows<{ excerpt: string }>(
        conn,
        `SELECT excerpt FROM rejects WHERE source = {s:String}`,
        { s: join(input, 'a-emoji.json') },
      );
      expect(emoji!.excerpt).toMatch(/^\{"time":"x","junk":"a+(😀)+…$/u);
    } finally {
      await conn.close();
    }
  });

  it('a rerun skips what was done and still ends with exit 0', async () => {
    const r = await runCli(['--db', db, 'ingest', '--json', input], { env: KEEP_ALL });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as IngestSummary).skippedFiles).toBe(3);
  });
});
