/**
 * `npm run bench -- ingest [--mb 50] [--runs 3] [--seed 1] [--big-mb 1024] [--chunk-mb 16] [--batch-rows 500000]
 *   [--workers 0,1,2] [--enrich-lines 200000]`
 *
 * One blob, one process, variants interleaved run by run, median of `runs` after a warm-up:
 * - `JSON.parse` of the whole blob (the physical reference, no rows);
 * - SQL explode: chDB reads the blob itself (`file()` + ARRAY JOIN + splitByChar) into `flows`;
 * - flowlens: file source → normalizer → Native sink → committed rows in `flows` + rollups, once per
 *   normalizer worker-thread count in `--workers` (0 = normalized in-thread), one pool per count
 *   started before timing (a process keeps one pool, so thread start-up is not per blob);
 * - engine only: the same rows, normalized and staged as one Native block before the clock starts,
 *   inserted with the sink's statement. No JS runs while timed, so this is the floor any front end
 *   (however fast its parsing) pays for `flows` with its sort key, codecs and rollup views.
 * - flowlens with enrichment on: the same ingest (first worker count) with the ASN and country
 *   dictionaries loaded (`--enrich-lines` ranges of each packaged CSV; ingest-enrich.ts), its order
 *   alternating with the plain runs, for the enrichment on/off ratio (docs/enrichment.md "Cost").
 * All database variants write the same table with the same rollup views. Peak RSS is measured in
 * child processes that run only the flowlens ingest (the median of {@link RSS_RUNS} per worker count
 * for the blob, once for a ~1 GB directory with the most workers): one sample swings by ±30 % with how normalize and insert
 * overlap. The load average is printed with the report: the box is shared.
 */
import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Db, openDb } from '../core/clickhouse/client.js';
import { migrate } from '../core/clickhouse/migrate.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../core/clickhouse/migrations/types.js';
import { normalize } from '../ingest/normalizers/index.js';
import { NormalizerPool } from '../ingest/normalizers/pool/pool.js';
import { FILE_INSERT_QUERY, insertSettings } from '../ingest/sinks/clickhouse/block-writer.js';
import { flowBlock } from '../ingest/sinks/clickhouse/flow-block.js';
import { encodeNativeBlock, nativeStructure } from '../ingest/sinks/clickhouse/native.js';
import { DEFAULT_BATCH_ROWS } from '../ingest/sinks/clickhouse/sink.js';
import { FLOW_ROLLUPS } from '../test/harness/chdb.js';
import { generateNsgV2Blob } from './gen-blob.js';
import { type ChildResult, ingestFiles, runChild, type Tuning, warmUp } from './ingest-child.js';
import { prepareEnrichment, setEnrichment } from './ingest-enrich.js';
import { report, type Timings, type Variant } from './ingest-report.js';
import { SQL_EXPLODE } from './sql-explode.js';
import { parseFlags } from './util.js';

const NO_TTL = { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 };
const RSS_RUNS = 3;

export async function run(args: string[]): Promise<void> {
  const flags = parseFlags(args, {
    mb: 50,
    runs: 3,
    seed: 1,
    'big-mb': 1024,
    'chunk-mb': 16,
    'batch-rows': DEFAULT_BATCH_ROWS,
    workers: '0,1,2',
    'enrich-lines': 200_000,
    child: '',
  });
  const workerCounts = String(flags.workers).split(',').map(Number);
  const tuning: Tuning = { chunkMb: Number(flags['chunk-mb']), batchRows: Number(flags['batch-rows']) };
  if (flags.child) return runChild(flags.child, tuning);
  const work = mkdtempSync(join(tmpdir(), 'flowlens-bench-'));
  try {
    const blobPath = join(work, 'PT1H.json');
    writeFileSync(
      blobPath,
      generateNsgV2Blob({ targetBytes: Number(flags.mb) * 1e6, seed: Number(flags.seed) }),
    );
    const blob = readFileSync(blobPath);
    // Memory first, before this process opens its own engine: a child started right after the
    // interleaved runs shares the 2 cores with this process's background merges and peaked at
    // 8–11× instead of 4.4–6× (every first child in five runs), which measures the bench, not flowlens.
    const load = [loadavg()[0]!];
    const rss = new Map(
      workerCounts.map((w) => [
        w,
        Array.from({ length: RSS_RUNS }, () => spawnChild(blobPath, work, tuning, w)),
      ]),
    );
    const most = Math.max(...workerCounts);
    const big =
      Number(flags['big-mb']) > 0 ? bigDirectory(work, Number(flags['big-mb']), tuning, most) : undefined;
    const timings = await interleaved(work, blobPath, blob, Number(flags.runs), tuning, {
      workerCounts,
      enrichLines: Number(flags['enrich-lines']),
    });
    load.push(loadavg()[0]!);
    report({ blobBytes: blob.length, t: timings, rss, load, ...(big ? { big } : {}) });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Times `fn` (wall and CPU) into `t[name]` unless this is the warm-up. */
async function timed(t: Timings, name: Variant, keep: boolean, fn: () => unknown) {
  const c0 = cpuMs();
  const t0 = performance.now();
  await fn();
  if (!keep) return;
  t.wall[name]!.push(performance.now() - t0);
  t.cpu[name]!.push(cpuMs() - c0);
}

async function interleaved(
  work: string,
  blobPath: string,
  blob: Buffer,
  runs: number,
  tuning: Tuning,
  opts: { workerCounts: number[]; enrichLines: number },
) {
  const { workerCounts } = opts;
  const db = openDb({ kind: 'embedded', path: join(work, 'db') });
  await migrate(db.client, NO_TTL);
  const variants: Variant[] = [
    'parse',
    'sql',
    ...workerCounts.map((w) => `flowlens-${w}` as const),
    'enriched',
    'engine',
    'engine-core',
  ];
  const t: Timings = {
    wall: Object.fromEntries(variants.map((v) => [v, []])),
    cpu: Object.fromEntries(variants.map((v) => [v, []])),
    tuples: 0,
    enrichRows: await prepareEnrichment(db, opts.enrichLines),
    enrichWorkers: workerCounts[0]!,
  };
  await setEnrichment(db, false);
  // One pool per worker count, started once as `flowlens run` does: thread start-up is not per blob.
  const pools = new Map(workerCounts.map((w) => [w, w > 0 ? new NormalizerPool({ workers: w }) : undefined]));
  for (const pool of pools.values()) await warmUp(pool);
  const staged = stageWholeBlob(blob, join(work, 'engine-floor.native'));
  // Every view-fed table: a rollup left full would make each run's merges heavier than the last's.
  const truncate = async () => {
    for (const table of ['flows', ...FLOW_ROLLUPS])
      await db.client.command({ query: `TRUNCATE TABLE ${table}` });
  };
  const count = async () => {
    const rs = await db.client.query({ query: 'SELECT count() AS n FROM flows', format: 'JSONEachRow' });
    return Number((await rs.json<{ n: number }>())[0]?.n);
  };
  for (let r = 0; r <= runs; r++) {
    const keep = r > 0; // run 0 is the warm-up
    await timed(t, 'parse', keep, () => JSON.parse(blob.toString('utf8')));

    await truncate();
    await timed(t, 'sql', keep, () =>
      db.client.command({
        query: SQL_EXPLODE,
        query_params: { path: blobPath },
        clickhouse_settings: { insert_deduplicate: 0 },
      }),
    );
    const sqlRows = await count();

    // The enriched run alternates between first and last, so it never always follows the same run.
    const plain = [...pools].map(([w, pool]) => ({ name: `flowlens-${w}` as Variant, pool, enrich: false }));
    const enriched = { name: 'enriched' as Variant, pool: pools.get(t.enrichWorkers), enrich: true };
    for (const { name, pool, enrich } of r % 2 ? [enriched, ...plain] : [...plain, enriched]) {
      await setEnrichment(db, enrich);
      await truncate();
      // A fresh path per run: positions (and so dedup tokens) differ, as for a new blob.
      const copy = join(work, `run-${r}-${name}`, 'PT1H.json');
      mkdirSync(dirname(copy));
      linkSync(blobPath, copy);
      let result = { rows: 0 };
      await timed(t, name, keep, async () => {
        result = await ingestFiles(db, [copy], tuning, pool);
      });
      const rows = await count();
      if (rows !== sqlRows || result.rows !== rows) {
        throw new Error(`row counts differ: sql ${sqlRows}, ${name} ${rows} (pipeline said ${result.rows})`);
      }
      t.tuples = rows;
    }
    await setEnrichment(db, false);

    await truncate();
    await timed(t, 'engine', keep, () =>
      db.client.command({
        query: FILE_INSERT_QUERY,
        query_params: staged.params,
        clickhouse_settings: ENGINE_SETTINGS,
      }),
    );
    if ((await count()) !== t.tuples) throw new Error('engine-only insert wrote a different row count');

    // The same insert with only the two core rollup views attached: the read rollups' share of it.
    await truncate();
    const readViews = await readRollupViews(db);
    for (const v of readViews) await db.client.command({ query: `DETACH TABLE ${v}` });
    try {
      await timed(t, 'engine-core', keep, () =>
        db.client.command({
          query: FILE_INSERT_QUERY,
          query_params: staged.params,
          clickhouse_settings: ENGINE_SETTINGS,
        }),
      );
    } finally {
      for (const v of readViews) await db.client.command({ query: `ATTACH TABLE ${v}` });
    }
  }
  for (const pool of pools.values()) await pool?.close();
  await db.close();
  return t;
}

/** The sink's insert settings (views in parallel, no collapse at insert), without deduplication. */
const ENGINE_SETTINGS = { ...insertSettings(''), insert_deduplicate: 0 } as const;

/** Views of the read rollups (migrations 0700–0730): every materialized view but `flows_1m`/`flows_1h`'s. */
async function readRollupViews(db: Db): Promise<string[]> {
  const rs = await db.client.query({
    query:
      "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine = 'MaterializedView' " +
      "AND name NOT IN ('flows_1m_mv', 'flows_1h_mv') ORDER BY name",
    format: 'JSONEachRow',
  });
  return (await rs.json<{ name: string }>()).map((r) => r.name);
}

/** Normalizes the blob and stages all its rows as one Native file, as the sink would stage a batch. */
function stageWholeBlob(blob: Buffer, path: string) {
  const { columns } = normalize(blob, { source: 'bench' });
  const block = flowBlock(columns, 0, columns.length, 'file:engine-floor');
  writeFileSync(path, Buffer.concat(encodeNativeBlock(block.columns, block.rows)));
  return { params: { ...block.params, path, structure: nativeStructure(block.columns) } };
}

function spawnChild(path: string, work: string, tuning: Tuning, workers: number): ChildResult {
  const db = join(work, `child-db-${Math.random().toString(36).slice(2)}`);
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'run.ts'),
      'ingest',
      '--child',
      JSON.stringify({ db, path, workers }),
      '--chunk-mb',
      String(tuning.chunkMb),
      '--batch-rows',
      String(tuning.batchRows),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  rmSync(db, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as ChildResult;
}

function bigDirectory(work: string, mb: number, tuning: Tuning, workers: number) {
  const dir = join(work, 'big');
  mkdirSync(dir);
  let bytes = 0;
  for (let i = 0; bytes < mb * 1e6; i++) {
    const blob = generateNsgV2Blob({ targetBytes: 50e6, seed: 100 + i });
    const sub = join(dir, `nsg-${i}`);
    mkdirSync(sub);
    writeFileSync(join(sub, 'PT1H.json'), blob);
    bytes += blob.length;
  }
  const result = spawnChild(dir, work, tuning, workers);
  rmSync(dir, { recursive: true, force: true });
  return { bytes, result };
}
