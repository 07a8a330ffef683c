import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestSummary } from '../../cli/ingest-progress.js';
import type { IngestStats } from '../../ingest/stats.js';
import { runCli } from '../harness/cli.js';
import { fixture, fixturesDir } from '../harness/fixtures.js';

/** Retention off here; the default retention with these 2018–2025 fixtures is retention-real-logs.test.ts. */
const KEEP_ALL = {
  FLOWLENS_DATABASE_RETENTION__RAW_DAYS: '0',
  FLOWLENS_DATABASE_RETENTION__MINUTE_DAYS: '0',
  FLOWLENS_DATABASE_RETENTION__HOUR_DAYS: '0',
};

const work = mkdtempSync(join(tmpdir(), 'flowlens-cli-ingest-'));
const input = join(work, 'input');

/** A blob of `copies` × the real NSG v2 fixture's records, framed like Azure writes it. */
function bigBlob(copies: number): string {
  const records = (
    JSON.parse(fixture('sumologic_nsg-v2_PT1H_real.json').toString()) as { records: unknown[] }
  ).records;
  const all = Array.from({ length: copies }, () => records.map((r) => JSON.stringify(r))).flat();
  return `{"records":[\r\n${all.join('\r\n,')}\r\n]}`;
}

beforeAll(() => {
  mkdirSync(join(input, 'nsg', 'deep'), { recursive: true });
  copyFileSync(join(fixturesDir(), 'msdocs_nsg-flowlog-v2_sample.json'), join(input, 'nsg', 'sample.json'));
  copyFileSync(join(fixturesDir(), 'sumologic_vnet-v4_PT1H_target-nic_real.json'), join(input, 'vnet.json'));
  writeFileSync(join(input, 'nsg', 'deep', 'PT1H.json'), bigBlob(20));
  writeFileSync(join(input, 'garbage.json'), '{"records":[{"time":"x", nope');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ingest = async (db: string, ...args: string[]) => {
  const r = await runCli(['--db', db, 'ingest', '--json', ...args], { env: KEEP_ALL });
  return { ...r, summary: r.code === 0 ? (JSON.parse(r.stdout) as IngestSummary) : undefined };
};
const stats = async (db: string) => {
  const r = await runCli(['--db', db, 'stats', '--json'], { env: KEEP_ALL });
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as IngestStats;
};

// Each case spawns the real CLI (tsx + chDB start-up) several times: generous timeouts for a busy CI box.
describe('flowlens ingest', { timeout: 300_000 }, () => {
  const db = join(work, 'db');

  it('ingests a directory recursively and reports files, records, tuples and rejects', async () => {
    const r = await ingest(db, '--chunk-mb', '0.02', input);
    expect(r.code).toBe(0);
    expect(r.summary).toMatchObject({ files: 4, skippedFiles: 0 });
    expect(r.summary!.tuples).toBeGreaterThan(1000);
    expect(r.summary!.rejects).toBeGreaterThan(0); // garbage.json
    const s = await stats(db);
    expect(s.rows).toBe(r.summary!.tuples);
    expect(s.rolledUp).toBe(s.rows);
    expect(s.byFormat.map((f) => f.key).sort()).toEqual(['nsg-v2', 'vnet']);
    expect(s.rejects).toBe(r.summary!.rejects);
  });

  it('adds nothing when run again (completed files are skipped); --force stores everything exactly once more', async () => {
    const before = await stats(db);
    const again = await ingest(db, '--chunk-mb', '0.02', input);
    expect(again.summary).toMatchObject({ files: 0, skippedFiles: 4, tuples: 0, duplicates: 0 });
    const forced = await ingest(db, '--chunk-mb', '0.02', '--force', input);
    expect(forced.summary).toMatchObject({ files: 4, tuples: before.rows, duplicates: 0 });
    const after = await stats(db);
    expect(after.rows).toBe(2 * before.rows);
    expect(after.rolledUp).toBe(2 * before.rolledUp);
    expect(after.rejects).toBe(2 * before.rejects);
  });

  it('--force still records files as done: a plain run after it stores nothing again', async () => {
    const fresh = join(work, 'db-forced-first');
    const forced = await ingest(fresh, '--force', join(input, 'nsg', 'deep'));
    expect(forced.code).toBe(0);
    expect(forced.summary!.tuples).toBeGreaterThan(0);
    const plain = await ingest(fresh, join(input, 'nsg', 'deep'));
    expect(plain.summary).toMatchObject({ files: 0, tuples: 0, duplicates: 0 });
    expect(plain.summary!.skippedFiles).toBe(forced.summary!.files);
    expect((await stats(fresh)).rows).toBe(forced.summary!.tuples);
  });

  it('stores the same rows whether a blob is read whole or in chunks cut across records', async () => {
    const whole = join(work, 'db-whole');
    const r = await ingest(whole, '--chunk-mb', '64', join(input, 'nsg', 'deep'));
    expect(r.code).toBe(0);
    const chunked = await ingest(join(work, 'db-chunked'), '--chunk-mb', '0.01', join(input, 'nsg', 'deep'));
    expect(chunked.summary!.tuples).toBe(r.summary!.tuples);
    expect(chunked.summary!.rejects).toBe(0);
    expect((await stats(join(work, 'db-chunked'))).byRule).toEqual((await stats(whole)).byRule);
  });

  it('exits 2 for a path that does not exist, naming it', async () => {
    const r = await runCli(['--db', db, 'ingest', join(work, 'missing.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no such file or directory');
    expect(r.stderr).toContain('missing.json');
  });

  it('exits 2 without paths (usage), and for --force with --blob (blob cursors decide what is read)', async () => {
    expect((await runCli(['--db', db, 'ingest'])).code).toBe(2);
    const forced = await runCli(['--db', db, 'ingest', '--blob', 'UseDevelopmentStorage=true', '--force']);
    expect(forced.code).toBe(2);
    expect(forced.stderr).toContain('--force applies to files');
  });

  it('exits 1 when the database cannot be reached', async () => {
    const r = await runCli(['--clickhouse-url', 'http://127.0.0.1:9', 'ingest', input]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ECONNREFUSED');
  });
});
