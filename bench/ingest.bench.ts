/**
 * `npm run bench -- ingest [--mb 50] [--runs 3] [--seed 1] [--big-mb 1024] [--chunk-mb 16] [--batch-rows 500000]`
 *
 * One blob, one process, variants interleaved run by run, median of `runs` after a warm-up:
 * - `JSON.parse` of the whole blob (the physical reference, no rows);
 * - SQL explode: chDB reads the blob itself (`file()` + ARRAY JOIN + splitByChar) into `flows`;
 * - flowlens: file source → normalizer → Native sink → committed rows in `flows` + rollups;
 * - engine only: the same rows, normalized and staged as one Native block before the clock starts,
 *   inserted with the sink's statement. No JS runs while timed, so this is the floor any front end
 *   (however fast its parsing) pays for `flows` with its sort key, codecs and rollup views.
 * - flowlens with enrichment on: the same ingest with the ASN and country dictionaries loaded
 *   (`--enrich-lines` ranges of each packaged CSV; ingest-enrich.ts), alternating order with the
 *   plain run, for the enrichment on/off ratio (issue 13 §7).
 * All database variants write the same table with the same rollup views. Peak RSS is measured in
 * child processes that run only the flowlens ingest (the median of {@link RSS_RUNS} for the blob,
 * once for a ~1 GB directory): one sample swings by ±30 % with how normalize and insert overlap.
 */
import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../core/clickhouse/client.js';
import { migrate } from '../core/clickhouse/migrate.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../core/clickhouse/migrations/types.js';
import { normalize } from '../ingest/normalizers/index.js';
import { FILE_INSERT_QUERY } from '../ingest/sinks/clickhouse/block-writer.js';
import { flowBlock } from '../ingest/sinks/clickhouse/flow-block.js';
import { encodeNativeBlock, nativeStructure } from '../ingest/sinks/clickhouse/native.js';
import { DEFAULT_BATCH_ROWS } from '../ingest/sinks/clickhouse/sink.js';
import { generateNsgV2Blob } from './gen-blob.js';
import { type ChildResult, ingestFiles, runChild, type Tuning } from './ingest-child.js';
import { prepareEnrichment, setEnrichment } from './ingest-enrich.js';
import { SQL_EXPLODE } from './sql-explode.js';
import { mdTable, median, parseFlags } from './util.js';

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
    'enrich-lines': 200_000,
    child: '',
  });
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
    const rss = Array.from({ length: RSS_RUNS }, () => spawnChild(blobPath, work, tuning));
    const big = Number(flags['big-mb']) > 0 ? bigDirectory(work, Number(flags['big-mb']), tuning) : undefined;
    const timings = await interleaved(
      work,
      blobPath,
      blob,
      Number(flags.runs),
      tuning,
      Number(flags['enrich-lines']),
    );
    report(blob.length, timings, rss, big);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

type Variant = 'parse' | 'sql' | 'flowlens' | 'enriched' | 'engine';

interface Timings extends Record<Variant, number[]> {
  /** Process CPU ms (user + system, chDB's threads included) of the same runs: robust on a busy box. */
  cpu: Record<Variant, number[]>;
  tuples: number;
  /** Prefixes in the loaded enrichment dictionaries of the `enriched` runs. */
  enrichRows: number;
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
  t[name].push(performance.now() - t0);
  t.cpu[name].push(cpuMs() - c0);
}

async function interleaved(
  work: string,
  blobPath: string,
  blob: Buffer,
  runs: number,
  tuning: Tuning,
  enrichLines: number,
) {
  const db = openDb({ kind: 'embedded', path: join(work, 'db') });
  await migrate(db.client, NO_TTL);
  const t: Timings = {
    parse: [],
    sql: [],
    flowlens: [],
    enriched: [],
    engine: [],
    cpu: { parse: [], sql: [], flowlens: [], enriched: [], engine: [] },
    tuples: 0,
    enrichRows: await prepareEnrichment(db, enrichLines),
  };
  await setEnrichment(db, false);
  const staged = stageWholeBlob(blob, join(work, 'engine-floor.native'));
  const truncate = async () => {
    for (const table of ['flows', 'flows_1m', 'flows_1h'])
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

    // Plain and enriched ingest alternate which goes first, so neither always follows the SQL run.
    for (const name of r % 2 ? (['enriched', 'flowlens'] as const) : (['flowlens', 'enriched'] as const)) {
      await setEnrichment(db, name === 'enriched');
      await truncate();
      // A fresh path per run: positions (and so dedup tokens) differ, as for a new blob.
      const copy = join(work, `run-${r}-${name}`, 'PT1H.json');
      mkdirSync(join(work, `run-${r}-${name}`));
      linkSync(blobPath, copy);
      let result = { rows: 0 };
      await timed(t, name, keep, async () => {
        result = await ingestFiles(db, [copy], tuning);
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
        clickhouse_settings: { insert_deduplicate: 0 },
      }),
    );
    if ((await count()) !== sqlRows) throw new Error('engine-only insert wrote a different row count');
  }
  await db.close();
  return t;
}

/** Normalizes the blob and stages all its rows as one Native file, as the sink would stage a batch. */
function stageWholeBlob(blob: Buffer, path: string) {
  const { columns } = normalize(blob, { source: 'bench' });
  const block = flowBlock(columns, 0, columns.length, 'file:engine-floor');
  writeFileSync(path, Buffer.concat(encodeNativeBlock(block.columns, block.rows)));
  return { params: { ...block.params, path, structure: nativeStructure(block.columns) } };
}

function spawnChild(path: string, work: string, tuning: Tuning): ChildResult {
  const db = join(work, `child-db-${Math.random().toString(36).slice(2)}`);
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'run.ts'),
      'ingest',
      '--child',
      JSON.stringify({ db, path }),
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

function bigDirectory(work: string, mb: number, tuning: Tuning) {
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
  const result = spawnChild(dir, work, tuning);
  rmSync(dir, { recursive: true, force: true });
  return { bytes, result };
}

function report(
  blobBytes: number,
  t: Timings,
  rssRuns: ChildResult[],
  big?: { bytes: number; result: ChildResult },
) {
  const mbs = (ms: number) => blobBytes / 1e6 / (ms / 1000);
  const [p, s, f, e] = [median(t.parse), median(t.sql), median(t.flowlens), median(t.engine)];
  const [cp, cs, cf] = [median(t.cpu.parse), median(t.cpu.sql), median(t.cpu.flowlens)];
  const [en, cen] = [median(t.enriched), median(t.cpu.enriched)];
  const peaks = rssRuns.map((r) => r.peakAboveIdle);
  const idle = median(rssRuns.map((r) => r.idleRss));
  const line = (name: string, runs: number[], ms: number, cpu: number, withRows: boolean) => [
    name,
    fmtRuns(runs),
    Math.round(cpu).toString(),
    mbs(ms).toFixed(1),
    withRows ? Math.round(t.tuples / (ms / 1000)).toString() : '—',
    (p / ms).toFixed(2),
  ];
  const rows: string[][] = [
    line('JSON.parse (whole blob, no rows)', t.parse, p, cp, false),
    line('SQL explode in chDB (file() + ARRAY JOIN)', t.sql, s, cs, true),
    line('flowlens file → rows (+ rollups)', t.flowlens, f, cf, true),
    line(`flowlens, enrichment on (${t.enrichRows} prefixes loaded)`, t.enriched, en, cen, true),
    line('engine only: pre-staged rows → flows (+ rollups)', t.engine, e, median(t.cpu.engine), true),
  ];
  const out = [
    `### ingest benchmark: ${(blobBytes / 1e6).toFixed(1)} MB NSG v2 blob, ${t.tuples} tuples, median of ${t.parse.length}`,
    '',
    mdTable(['variant', 'wall ms (runs)', 'CPU ms', 'MB/s', 'rows/s', '× JSON.parse'], rows),
    '',
    mdTable(
      ['ratio', 'measured', 'target'],
      [
        ['flowlens vs SQL explode (wall throughput)', `${(s / f).toFixed(2)}×`, '≥ 1.0× (goal 1.2×)'],
        ['flowlens vs SQL explode (CPU per blob)', `${(cs / cf).toFixed(2)}×`, 'load-insensitive view'],
        ['enrichment on vs off (wall throughput, same run)', `${(f / en).toFixed(2)}×`, '≥ 0.90×'],
        ['enrichment on vs off (CPU per blob)', `${(cf / cen).toFixed(2)}×`, 'load-insensitive view'],
        ['flowlens vs JSON.parse (wall throughput)', `${((p / f) * 100).toFixed(1)} %`, '≥ 35 %'],
        ['flowlens vs JSON.parse (CPU)', `${((cp / cf) * 100).toFixed(1)} %`, 'load-insensitive view'],
        [
          'engine only vs JSON.parse (wall): the ceiling for any front end',
          `${((p / e) * 100).toFixed(1)} %`,
          'context for the 35 % bar',
        ],
        [
          `peak RSS above idle / blob size (one blob, median of ${peaks.length})`,
          `${(median(peaks) / blobBytes).toFixed(2)}× (${mb(median(peaks))} over ${mb(idle)} idle; ` +
            `runs ${peaks.map((b) => (b / blobBytes).toFixed(2)).join(', ')})`,
          '≤ 8×',
        ],
        ...(big
          ? [
              [
                `peak RSS above idle, ${(big.bytes / 1e9).toFixed(2)} GB directory`,
                `${mb(big.result.peakAboveIdle)} (${big.result.rows} rows in ${(big.result.ms / 1000).toFixed(1)} s)`,
                'bounded (≈ one blob)',
              ],
            ]
          : []),
      ],
    ),
    '',
  ];
  process.stdout.write(out.join('\n'));
}

const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;
const fmtRuns = (runs: number[]) =>
  `${Math.round(median(runs))} (${runs.map((r) => Math.round(r)).join(', ')})`;
