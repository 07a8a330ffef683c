import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestSummary } from '../../cli/ingest-progress.js';
import { openDb } from '../../core/clickhouse/client.js';
import { FindingSchema } from '../../core/finding.js';
import { normalize } from '../../ingest/normalizers/index.js';
import type { IngestStats } from '../../ingest/stats.js';
import { runCli } from '../harness/cli.js';
import { fixture, fixtureNames } from '../harness/fixtures.js';

/**
 * The bar of issue 11: real flow logs dated 2017–2025, ingested with the DEFAULT configuration
 * (30-day raw retention, which counts from arrival), are all stored and queryable in `flows` and
 * both rollups. A second ingest adds nothing; `ingest --force` stores them exactly once more.
 * Nothing here depends on today's date: the fixtures are years old whatever the clock says, and the
 * analysis window comes from the stored data.
 */
const work = mkdtempSync(join(tmpdir(), 'flowlens-real-logs-'));
const input = join(work, 'logs');
const db = join(work, 'db');
/** Tuples per stored source label, as the normalizer parses each file on its own. */
const expected = new Map<string, number>();
let total = 0;

beforeAll(() => {
  mkdirSync(input);
  for (const name of fixtureNames()) {
    const path = join(input, name);
    writeFileSync(path, fixture(name));
    const rows = normalize(fixture(name), { source: `file:${path}`, baseOffset: 0 }).columns.length;
    if (rows > 0) expected.set(`file:${path}`, rows);
    total += rows;
  }
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cli = async (...args: string[]) => {
  const r = await runCli(['--db', db, ...args, '--log-level', 'silent'], { timeoutMs: 240_000 });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};
const ingest = async (...args: string[]) =>
  JSON.parse(await cli('ingest', '--json', ...args)) as IngestSummary;
const stats = async () => JSON.parse(await cli('stats', '--json')) as IngestStats;

/** Per-source counts in `flows`, and tuple sums in both rollups, read in this process (CLI closed). */
async function stored() {
  const d = openDb({ kind: 'embedded', path: db });
  try {
    const q = async <T>(query: string) => (await d.client.query({ query, format: 'JSONEachRow' })).json<T>();
    const bySource = await q<{ source: string; n: number }>(
      'SELECT source, count() AS n FROM flows GROUP BY source ORDER BY source',
    );
    const sum = async (table: string) =>
      Number((await q<{ n: number }>(`SELECT sum(flows) AS n FROM ${table}`))[0]!.n);
    // Queryable by time as well: every stored row falls in a window over its own dates.
    const [range] = await q<{ inWindow: number }>(
      'SELECT count() AS inWindow FROM flows WHERE time BETWEEN (SELECT min(time) FROM flows) AND (SELECT max(time) FROM flows)',
    );
    return {
      bySource: new Map(bySource.map((r) => [r.source, Number(r.n)])),
      minute: await sum('flows_1m'),
      hour: await sum('flows_1h'),
      inWindow: Number(range!.inWindow),
    };
  } finally {
    await d.close();
  }
}

describe('real 2017–2025 flow logs with the default configuration', { timeout: 900_000 }, () => {
  it('stores every tuple in flows and both rollups, and the summary counts what was stored', async () => {
    expect(total).toBeGreaterThan(500);
    const first = await ingest(input);
    expect(first).toMatchObject({ tuples: total, duplicates: 0 });
    const s = await stored();
    expect(s.bySource).toEqual(expected);
    expect([s.minute, s.hour, s.inWindow]).toEqual([total, total, total]);
    // All of it is history that arrived late, and stats says so.
    const st = await stats();
    expect(st.rows).toBe(total);
    expect(st.lateHistory.rows).toBe(total);
    expect(st.lateHistory.maxDelayDays).toBeGreaterThan(365);
  });

  it('a second ingest adds nothing', async () => {
    expect(await ingest(input)).toMatchObject({ tuples: 0, duplicates: 0 });
    const s = await stored();
    expect([s.minute, s.hour, s.inWindow]).toEqual([total, total, total]);
  });

  it('ingest --force stores every tuple exactly once more (a second copy), rollups included', async () => {
    expect(await ingest('--force', input)).toMatchObject({ tuples: total, duplicates: 0 });
    const s = await stored();
    expect(s.bySource).toEqual(new Map([...expected].map(([k, n]) => [k, 2 * n])));
    expect([s.minute, s.hour]).toEqual([2 * total, 2 * total]);
  });

  it('analyze --from/--to over the data’s own dates finds something in the old logs', async () => {
    const st = await stats();
    const from = new Date(`${st.first!.replace(' ', 'T')}Z`);
    const to = new Date(Date.parse(`${st.last!.replace(' ', 'T')}Z`) + 60_000);
    const findings = FindingSchema.array().parse(
      JSON.parse(await cli('analyze', '--from', from.toISOString(), '--to', to.toISOString(), '--json'))
        .findings,
    );
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(Date.parse(f.lastSeen)).toBeGreaterThanOrEqual(from.getTime());
      expect(Date.parse(f.lastSeen)).toBeLessThanOrEqual(to.getTime());
    }
  });
});
