import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { newDataRange } from '../analyze/loop.js';
import { ruleReportExtra, rulesWindow } from '../analyze/rules/analyzer.js';
import { detectWindow, enabledAnalyzers } from '../analyze/runner.js';
import type { Db } from '../core/clickhouse/client.js';
import { count } from '../core/clickhouse/query.js';
import { isoTime } from '../core/clickhouse/time.js';
import { parseConfig } from '../core/config/load.js';
import { ENDPOINTS, p95, time } from './api.bench.js';
import { benchApi } from './bench-api.js';
import { type Reads, readMeter, sumReads } from './scale-reads.js';
import { median } from './util.js';

/** Measurements of the scale bench, each over a database the caller filled (scale.bench.ts). */

const root = join(fileURLToPath(import.meta.url), '..', '..');

/** A tick step's median wall ms over the runs, and the rows and bytes the database read for it. */
export interface StepCost extends Reads {
  ms: number;
}

/**
 * One analysis tick as `flowlens run` does it every minute: the new-data range query, then every
 * analyzer over the last `intervalSeconds + overlapSeconds` (3 minutes by default; analyzers widen
 * it to their buckets, spans and look-backs themselves), one analyzer at a time so each one's reads
 * are its own (bench/scale-reads.ts; the counters are read outside the timed section). Median ms
 * per step over `runs`. "whole tick, CPU ms" is this process's CPU over the steps (chDB's threads
 * are this process's: other jobs' load inflates it far less than wall ms), with every step's reads.
 */
export async function tickCosts(db: Db, end: Date, runs: number): Promise<Record<string, StepCost>> {
  await mergesSettled(db);
  const steps = await tickSteps(db, end);
  const meter = await readMeter(db.client);
  const ms: Record<string, number[]> = {};
  const reads: Record<string, Reads> = {};
  for (let i = 0; i < runs; i++) {
    let cpuMs = 0;
    for (const [name, work] of steps) {
      const { reads: r } = await meter.measure(async () => {
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        await work();
        ms[name] = [...(ms[name] ?? []), performance.now() - t0];
        const cpu = process.cpuUsage(cpu0);
        cpuMs += (cpu.user + cpu.system) / 1000;
      });
      reads[name] = r;
    }
    ms[WHOLE_TICK] = [...(ms[WHOLE_TICK] ?? []), cpuMs];
  }
  reads[WHOLE_TICK] = sumReads(Object.values(reads));
  const out: Record<string, StepCost> = {};
  for (const [k, v] of Object.entries(ms)) out[k] = { ms: median(v), ...(reads[k] ?? { rows: 0, bytes: 0 }) };
  return out;
}

/** The steps of one tick ending at `end`: the new-data query, then each enabled analyzer alone. */
async function tickSteps(db: Db, end: Date): Promise<[string, () => Promise<unknown>][]> {
  const a = parseConfig({}).analyze;
  const window = { from: new Date(end.getTime() - (a.intervalSeconds + a.overlapSeconds) * 1000), to: end };
  const context = {
    threatIntel: { size: 0, has: () => false, match: () => undefined },
    now: end,
    extra: {},
  };
  // The loop asks for rows ingested since its last tick: the last minute of arrivals.
  const since = (await newestIngestMs(db)) - 60_000;
  return [
    [NEW_DATA, () => newDataRange(db, since)],
    ...enabledAnalyzers(a).map((analyzer): [string, () => Promise<unknown>] => [
      analyzer.id,
      async () => {
        const r = await detectWindow(
          { client: db.client, config: a, context, analyzers: [analyzer] },
          window,
        );
        if (r.errors.length) throw new Error(`analyzer failed: ${JSON.stringify(r.errors)}`);
      },
    ]),
  ];
}

const NEW_DATA = 'new-data range';
const WHOLE_TICK = 'whole tick, CPU ms';

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

/**
 * The rule report the loop rebuilds every `rules.refreshMinutes` over `rules.windowDays` (30): ms,
 * then its reads. The first build after start (or after new days were stored) computes each whole
 * closed day its day cache (`rule_key_days`, analyze/rules/join/key-cache.ts) lacks from raw flows;
 * the second is what the loop pays every refresh after that: cached days, raw partial days. The
 * bench's data ends at midnight, so that window holds no partial day; the loop's window ends at the
 * newest data, mid-day, and reads its partial days raw: the third build ends 12 hours earlier.
 */
export async function ruleReportCost(
  db: Db,
  end: Date,
): Promise<{ cold: StepCost; warm: StepCost; midDay: StepCost }> {
  const config = parseConfig({});
  const meter = await readMeter(db.client);
  const once = async (to: Date): Promise<StepCost> => {
    let ms = 0;
    const { reads } = await meter.measure(async () => {
      const t0 = performance.now();
      await ruleReportExtra(db, rulesWindow(to, config.rules), config.rules);
      ms = performance.now() - t0;
    });
    return { ms, ...reads };
  };
  const cold = await once(end);
  const warm = await once(end);
  return { cold, warm, midDay: await once(new Date(end.getTime() - 12 * 3_600_000)) };
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
      "count() AS parts FROM system.parts WHERE active AND database = currentDatabase() AND table IN ('flows', 'flows_1m', 'flows_1h', 'flows_egress_1h', 'flows_contact_1h', 'flows_internal_1h', 'flows_internal_1d', 'flows_remote_1h', 'flows_remote_1d', 'rule_key_days') " +
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

export interface ApiCost extends Reads {
  name: string;
  path: string;
  p50: number;
  p95: number;
}

/**
 * p50/p95 ms of every dashboard request (api.bench.ts's list), through the in-process app, and the
 * rows and bytes the database read for one more request (bench/scale-reads.ts).
 */
export async function apiLatencies(db: Db, end: Date, runs: number): Promise<ApiCost[]> {
  const app = benchApi(db, end);
  const request = async (a: typeof app, path: string) => {
    const res = await a.request(path);
    if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  const meter = await readMeter(db.client);
  const out: ApiCost[] = [];
  for (const [name, path] of ENDPOINTS) {
    const ms = await time(runs, () => request(app, path));
    const { reads } = await meter.measure(() => request(app, path));
    out.push({ name, path, p50: median(ms), p95: p95(ms), ...reads });
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
