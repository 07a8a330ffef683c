import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, openDb } from '../core/clickhouse/client.js';
import { migrate } from '../core/clickhouse/migrate.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../core/clickhouse/migrations/types.js';
import { spawnClickHouseDouble } from '../test/harness/clickhouse-server/process.js';
import { generateFlows, ingestLikeInserts, settleMerges } from './scale-data.js';
import {
  apiLatencies,
  oneShotAnalyze,
  ruleReportCost,
  type StepCost,
  tableSizes,
  tickCosts,
} from './scale-measure.js';
import { printTicks } from './scale-report.js';
import { mdTable, parseFlags } from './util.js';

/**
 * `npm run bench -- scale [--rows 10000000] [--days 30] [--recent 3] [--mid 10] [--hosts 60] [--runs 3]
 * [--apiRuns 10] [--server 1] [--analyze 1]`: `--rows` flows over `--days` on embedded chDB, generated
 * in SQL (scale-data.ts), one INSERT per day in time order. The newest `--recent` days are written
 * first and measured (ticks), then the older days (same flow rate) and measured again: a tick's cost
 * should follow its window, not the stored history (issue bar: ≤ 1.5×). Merges settle before each
 * measurement; each step reports its wall ms and the rows and bytes the database read for it
 * (scale-reads.ts: load-independent, the measure the bar is judged on; scale-report.ts prints both). Then disk bytes per flow, ingest-like inserts with 30 days stored, API p95 for 24 h
 * and 30 d (`--apiRuns 0` skips them), peak RSS of `flowlens analyze` over 7 days (`--analyze 0` skips it), and with
 * `--server 1` the same ticks and API calls against the ClickHouse HTTP test double serving the same
 * data directory.
 *
 * The default (10 M rows) takes about 20 CPU-s to generate; the bars are stated for 100 M:
 * `npm run bench -- scale --rows 100000000 --apiRuns 5 --server 0 --analyze 0` (about 200 CPU-s to
 * generate, ~3 min on 2 idle cores, 30 min at load 20; ~5 GB under the temp directory while it
 * runs, deleted at the end). docs/operations.md "Capacity guide" has the numbers it gave.
 */
export async function run(args: string[]): Promise<void> {
  const o = parseFlags(args, {
    rows: 10_000_000,
    days: 30,
    recent: 3,
    mid: 10,
    hosts: 60,
    runs: 3,
    apiRuns: 10,
    server: 1,
    analyze: 1,
  });
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-bench-scale-'));
  const dataDir = join(dir, 'db'); // where the test double (server.ts) keeps its engine
  console.log(`scale bench: ${fmt(o.rows)} flows over ${o.days} days, ${o.hosts} hosts; load ${load()}\n`);
  try {
    const db = openDb({ kind: 'embedded', path: dataDir });
    await migrate(db.client, { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 });
    const stages = await fillInStages(db, o);
    printIngest(stages);
    printTicks(stages);
    printSizes(await tableSizes(db));
    log('ingest-like inserts');
    const ingestLike = await ingestLikeInserts(db, { from: END, hosts: o.hosts, batch: 25_000, batches: 20 });
    console.log(
      `\ningest-like inserts (INSERT … SELECT of 25 k rows, deduplication token each, rollups at insert) ` +
        `with ${o.days} d stored, merges running: ${fmt(ingestLike)} rows/s; load ${load()}\n`,
    );
    log('API');
    const embeddedApi = o.apiRuns > 0 ? await apiLatencies(db, END, o.apiRuns) : [];
    await db.close();
    if (o.analyze) await printOneShot(dataDir, o.rows, o.days);
    const serverApi = o.server ? await overTestDouble(dir, o.runs, o.apiRuns) : null;
    if (embeddedApi.length) printApi(embeddedApi, serverApi, o.rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const END = new Date('2026-11-30T00:00:00Z');
const DAY = 86_400_000;
const log = (s: string) => process.stderr.write(`${new Date().toISOString()} ${s}\n`);

interface Stage {
  days: number;
  rowsPerS: number;
  cpuSPerM: number;
  settleS: number;
  /** 1-minute load average when the ticks were measured. */
  load: number;
  ticks: Record<string, StepCost>;
  /** The rule report as the loop pays it each refresh (day cache filled). */
  ruleReport: StepCost;
  /** Its first build after start: fills the day cache for the days stored since. */
  ruleReportCold: StepCost;
  /** Warm, over a window ending mid-day (its partial days raw), as the loop's ends at the newest data. */
  ruleReportMidDay: StepCost;
}

/**
 * Writes the newest `recent` days first, then older days back to `mid` and to `days`, all at one
 * flow rate, and measures a tick after each stage: the window's data never changes, only the
 * history stored behind it.
 */
async function fillInStages(
  db: Db,
  o: { rows: number; days: number; recent: number; mid: number; hosts: number; runs: number },
): Promise<Stage[]> {
  const perDay = o.rows / o.days;
  const stages: Stage[] = [];
  let stored = 0;
  for (const days of [o.recent, o.mid, o.days].filter((d, i, a) => d <= o.days && a.indexOf(d) === i)) {
    const rows = Math.round(perDay * (days - stored));
    const first = o.rows - Math.round(perDay * days);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await generateFlows(
      db,
      {
        rows,
        from: new Date(END.getTime() - days * DAY),
        to: new Date(END.getTime() - stored * DAY),
        hosts: o.hosts,
        first,
      },
      (n, ms) => log(`${days} d: ${fmt(n)} rows, ${fmt(n / (ms / 1000))} rows/s`),
    );
    const rowsPerS = rows / ((performance.now() - t0) / 1000);
    const settleS = (await settleMerges(db)) / 1000;
    const cpu = process.cpuUsage(cpu0); // chDB's insert and merge threads are this process's
    log(`ticks with ${days} d stored`);
    const ticks = await tickCosts(db, END, o.runs);
    const report = await ruleReportCost(db, END);
    stages.push({
      days,
      rowsPerS,
      cpuSPerM: (cpu.user + cpu.system) / 1e6 / (rows / 1e6),
      settleS,
      load: loadavg()[0]!,
      ticks,
      ruleReport: report.warm,
      ruleReportCold: report.cold,
      ruleReportMidDay: report.midDay,
    });
    stored = days;
  }
  return stages;
}

async function printOneShot(dataDir: string, rows: number, days: number): Promise<void> {
  log('flowlens analyze over 7 days');
  const r = await oneShotAnalyze(dataDir, new Date(END.getTime() - 7 * DAY), END);
  console.log(
    `\n\`flowlens analyze\` over 7 days (${fmt((rows * 7) / days)} flows): ${(r.ms / 1000).toFixed(1)} s, ` +
      `peak RSS ${r.peakRssMb.toFixed(0)} MB (exit ${r.exitCode}); load ${load()}\n`,
  );
}

/** Ticks and API requests over the ClickHouse HTTP test double serving the same data directory. */
async function overTestDouble(dir: string, runs: number, apiRuns: number) {
  const double = await spawnClickHouseDouble({ dataDir: dir });
  const db = openDb({ kind: 'server', url: double.url });
  try {
    log('ticks and API over the test double');
    const ticks = await tickCosts(db, END, runs);
    console.log(
      `${mdTable(
        ['tick step (test double, HTTP)', 'ms, all days stored', 'rows read', 'bytes read'],
        Object.entries(ticks).map(([k, v]) => [k, v.ms.toFixed(0), fmt(v.rows), fmt(v.bytes)]),
      )}\n`,
    );
    return apiRuns > 0 ? await apiLatencies(db, END, apiRuns) : [];
  } finally {
    await db.close();
    await double.stop();
  }
}

function printIngest(stages: Stage[]): void {
  const parts = stages.map(
    (s) =>
      `${fmt(s.rowsPerS)} rows/s up to ${s.days} d stored (${s.cpuSPerM.toFixed(2)} CPU-s per M rows with ` +
      `the merges, which took ${s.settleS.toFixed(0)} s more to settle)`,
  );
  console.log(
    `seed (INSERT … SELECT per day, rollup MVs, SEED_SETTINGS): ${parts.join(', ')}; load ${load()}\n`,
  );
}

const fmt = (n: number) => Math.round(n).toLocaleString();
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

function printSizes(sizes: Awaited<ReturnType<typeof tableSizes>>): void {
  const flows = sizes.find((s) => s.table === 'flows')?.rows ?? 1;
  console.log(
    mdTable(
      ['table', 'rows', 'bytes on disk', 'bytes per stored flow', 'compression', 'active parts'],
      sizes.map((s) => [
        s.table,
        fmt(s.rows),
        fmt(s.bytes),
        (s.bytes / flows).toFixed(2),
        `${(s.uncompressed / Math.max(1, s.bytes)).toFixed(1)}×`,
        String(s.parts),
      ]),
    ),
  );
}

function printApi(
  emb: Awaited<ReturnType<typeof apiLatencies>>,
  srv: Awaited<ReturnType<typeof apiLatencies>> | null,
  rows: number,
): void {
  const rowsOut = emb.map((e, i) => {
    const bar = e.path.includes('now-30d') ? 1500 : 300;
    const s = srv?.[i];
    return [
      e.name,
      e.path.includes('now-30d') ? '30 d' : '24 h',
      e.p50.toFixed(0),
      e.p95.toFixed(0),
      s ? s.p95.toFixed(0) : '–',
      `${bar}`,
      e.p95 <= bar ? 'ok' : '**over**',
      fmt(e.rows),
      fmt(e.bytes),
    ];
  });
  console.log(
    `\n${mdTable(['endpoint', 'range', 'p50 ms', 'p95 ms', 'p95 ms (test double)', 'bar (at 100 M)', '', 'rows read', 'bytes read'], rowsOut)}\n` +
      `\n(${fmt(rows)} flows; bars are stated for 100 M)`,
  );
}
