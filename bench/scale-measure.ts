import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { newDataRange } from '../analyze/loop.js';
import { ruleReportExtra, rulesWindow } from '../analyze/rules/analyzer.js';
import { detectWindow } from '../analyze/runner.js';
import type { Db } from '../core/clickhouse/client.js';
import { count } from '../core/clickhouse/query.js';
import { isoTime } from '../core/clickhouse/time.js';
import { parseConfig } from '../core/config/load.js';
import { ENDPOINTS, p95, time } from './api.bench.js';
import { benchApi } from './bench-api.js';
import { median } from './util.js';

/** Measurements of the scale bench, each over a database the caller filled (scale.bench.ts). */

const root = join(fileURLToPath(import.meta.url), '..', '..');

/**
 * One analysis tick as `flowlens run` does it every minute: the new-data range query, then every
 * analyzer over the last `intervalSeconds + overlapSeconds` (3 minutes by default; analyzers widen
 * it to their buckets and spans themselves). Median ms per step over `runs`.
 */
export async function tickTimes(db: Db, end: Date, runs: number): Promise<Record<string, number>> {
  const config = parseConfig({});
  const a = config.analyze;
  const window = { from: new Date(end.getTime() - (a.intervalSeconds + a.overlapSeconds) * 1000), to: end };
  const context = {
    threatIntel: { size: 0, has: () => false, match: () => undefined },
    now: end,
    extra: {},
  };
  const samples: Record<string, number[]> = {};
  const add = (k: string, ms: number) => {
    samples[k] = [...(samples[k] ?? []), ms];
  };
  await mergesSettled(db);
  // The loop asks for rows ingested since its last tick: the last minute of ingest (wall) time.
  const since = (await newestIngestMs(db)) - 60_000;
  for (let i = 0; i < runs; i++) {
    // CPU of the whole tick (chDB's threads are this process's): what a busy shared machine does
    // not inflate the way it inflates wall time.
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await newDataRange(db, since);
    add('new-data range', performance.now() - t0);
    const r = await detectWindow({ client: db.client, config: a, context }, window);
    if (r.errors.length) throw new Error(`analyzers failed: ${JSON.stringify(r.errors)}`);
    for (const [id, ms] of Object.entries(r.timings)) add(id, ms);
    const cpu = process.cpuUsage(cpu0);
    add('whole tick, CPU ms', (cpu.user + cpu.system) / 1000);
  }
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(samples)) out[k] = median(v);
  return out;
}

/**
 * Waits (at most 3 minutes) until no merge runs: each stage is timed on settled tables, so the
 * 30-day stage is not charged for merging the 27 days the bench has just written in one go (a live
 * ingest merges a little all the time, at any history length).
 */
async function mergesSettled(db: Db): Promise<void> {
  const sql = 'SELECT count() AS n FROM system.merges WHERE database = currentDatabase()';
  for (let i = 0; i < 180 && (await count(db.client, sql)) > 0; i++) await sleep(1000);
}

async function newestIngestMs(db: Db): Promise<number> {
  const rs = await db.client.query({
    query: 'SELECT max(ingested_at) AS ing FROM flows',
    format: 'JSONEachRow',
  });
  return Date.parse(isoTime((await rs.json<{ ing: string }>())[0]?.ing ?? ''));
}

/** The rule report the loop rebuilds every `rules.refreshMinutes` over `rules.windowDays` (30). */
export async function ruleReportMs(db: Db, end: Date): Promise<number> {
  const config = parseConfig({});
  const t0 = performance.now();
  await ruleReportExtra(db, rulesWindow(end, config.rules), config.rules);
  return performance.now() - t0;
}

export interface TableSize {
  table: string;
  rows: number;
  bytes: number;
  uncompressed: number;
  parts: number;
}

/** Active parts of the raw table and the rollups (system.parts). */
export async function tableSizes(db: Db): Promise<TableSize[]> {
  const rs = await db.client.query({
    query:
      'SELECT table, sum(rows) AS rows, sum(bytes_on_disk) AS bytes, sum(data_uncompressed_bytes) AS uncompressed, ' +
      "count() AS parts FROM system.parts WHERE active AND database = currentDatabase() AND table IN ('flows', 'flows_1m', 'flows_1h', 'flows_egress_1h', 'flows_contact_1h', 'flows_internal_1h') " +
      'GROUP BY table ORDER BY table',
    format: 'JSONEachRow',
  });
  const rows = await rs.json<Record<string, string | number>>();
  return rows.map((r) => ({
    table: String(r.table),
    rows: Number(r.rows),
    bytes: Number(r.bytes),
    uncompressed: Number(r.uncompressed),
    parts: Number(r.parts),
  }));
}

/** p50/p95 ms of every dashboard request (api.bench.ts's list), through the in-process app. */
export async function apiLatencies(
  db: Db,
  end: Date,
  runs: number,
): Promise<{ name: string; path: string; p50: number; p95: number }[]> {
  const app = benchApi(db, end);
  const out: { name: string; path: string; p50: number; p95: number }[] = [];
  for (const [name, path] of ENDPOINTS) {
    const ms = await time(runs, async () => {
      const res = await app.request(path);
      if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    });
    out.push({ name, path, p50: median(ms), p95: p95(ms) });
  }
  return out;
}

/**
 * `flowlens analyze --from … --to …` as a user runs it, in its own process over the embedded data
 * directory (which no other process may hold open). Peak RSS is the kernel's high-water mark
 * (VmHWM), sampled until the process exits.
 */
export async function oneShotAnalyze(
  dataDir: string,
  from: Date,
  to: Date,
): Promise<{ ms: number; peakRssMb: number; exitCode: number | null }> {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'cli', 'main.ts'),
      'analyze',
      '--from',
      from.toISOString(),
      '--to',
      to.toISOString(),
    ],
    {
      cwd: root,
      env: { ...process.env, FLOWLENS_DATABASE_PATH: dataDir },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  let peakKb = 0;
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      // exited between two polls
    }
  }, 100);
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(poll);
  return { ms: performance.now() - t0, peakRssMb: peakKb / 1024, exitCode };
}
