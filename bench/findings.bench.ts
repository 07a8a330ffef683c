import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../core/clickhouse/client.js';
import { migrate } from '../core/clickhouse/migrate.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../core/clickhouse/migrations/types.js';
import { generateFindings } from '../test/harness/many-findings.js';
import { benchApi } from './bench-api.js';
import { mdTable, median, parseFlags } from './util.js';

/**
 * `/api/findings` latency with `--count` findings (default 100 000, 10 % with an older version
 * underneath so FINAL has merging to do), through the in-process app (routing, zod, SQL, JSON),
 * `--runs` times each after a warm-up. Baseline: `SELECT count() FROM findings FINAL` in the same
 * run. Target: p95 < 300 ms for every request.
 *
 * Usage: `npm run bench -- findings [--count 100000] [--runs 30]`
 */
export async function run(args: string[]): Promise<void> {
  const opts = parseFlags(args, { count: 100_000, runs: 30 });
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-bench-findings-'));
  const db = openDb({ kind: 'embedded', path: dir });
  try {
    await migrate(db.client, { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 });
    const end = new Date('2026-03-01T00:00:00Z');
    const t0 = performance.now();
    await generateFindings(db, { count: opts.count, end, staleVersions: Math.floor(opts.count / 10) });
    console.log(
      `seeded ${opts.count.toLocaleString()} findings in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    const app = benchApi(db, end);
    const baseline = await time(opts.runs, async () => {
      await (
        await db.client.query({ query: 'SELECT count() FROM findings FINAL', format: 'JSONEachRow' })
      ).json();
    });
    const cursor = await secondPageCursor(app);
    const out: string[][] = [];
    for (const [name, path] of [
      ...REQUESTS,
      ['next page (cursor)', `/api/findings?cursor=${cursor}`],
    ] as const) {
      const ms = await time(opts.runs, async () => {
        const res = await app.request(path);
        if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      });
      const p = p95(ms);
      out.push([
        name,
        `\`${path.slice(0, 90)}\``,
        median(ms).toFixed(0),
        p.toFixed(0),
        p < 300 ? 'ok' : '**over**',
        (median(ms) / median(baseline)).toFixed(2),
      ]);
    }
    console.log(
      `${mdTable(['request', 'path', 'p50 ms', 'p95 ms', '< 300 ms', '× count() FINAL'], out)}\n\n` +
        `baseline: count() over findings FINAL, p50 ${median(baseline).toFixed(0)} ms; load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
    );
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const REQUESTS: [string, string][] = [
  ['triage queue (default)', '/api/findings'],
  ['open only', '/api/findings?status=open'],
  ['high+critical, one category', '/api/findings?severity=high,critical&category=cat3'],
  ['text search', '/api/findings?q=10.0.42.4'],
  ['sorted by title asc, 500', '/api/findings?sort=title&order=asc&limit=500'],
  ['deep offset', '/api/findings?offset=50000'],
];

async function secondPageCursor(app: { request(p: string): Response | Promise<Response> }): Promise<string> {
  const page = (await (await app.request('/api/findings')).json()) as { nextCursor: string };
  return page.nextCursor;
}

async function time(runs: number, fn: () => Promise<void>): Promise<number[]> {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

function p95(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]!;
}
