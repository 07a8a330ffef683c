/**
 * `npm run bench -- ingest-trace [--mb 50] [--workers 0,1,2] [--runs 2] [--events 0]`
 *
 * Where the wall time of one blob's ingest goes (issue 16): the production path of `bench ingest`
 * (file source → normalizer → coalescer → ClickHouse sink) with every step time-stamped: reads,
 * normalize start/end (in-thread) or post/result (workers), each database statement, each staging
 * write, each ack, and main-thread stalls (a 5 ms ticker's gaps). Per run it prints when the first
 * `flows` insert started, how long the engine spent in `flows` inserts, how long it sat idle between
 * them, and what came after the last one: the engine is the critical path, so every idle millisecond
 * is wall time. `--events 1` prints the whole timeline. Runs of each worker count alternate.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, openDb } from '../core/clickhouse/client.js';
import { migrate } from '../core/clickhouse/migrate.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../core/clickhouse/migrations/types.js';
import type { NormalizeMeta, NormalizeResult, Source } from '../ingest/contracts.js';
import { normalize } from '../ingest/normalizers/index.js';
import { NormalizerPool, type ParallelNormalizer } from '../ingest/normalizers/pool/pool.js';
import { runPipeline } from '../ingest/pipeline.js';
import { chdbFileWriter } from '../ingest/sinks/clickhouse/block-writer.js';
import { createClickHouseSink } from '../ingest/sinks/clickhouse/sink.js';
import { defaultStagingRoot, StagingArea } from '../ingest/sinks/clickhouse/staging.js';
import { createFileSource } from '../ingest/sources/file/source.js';
import { FLOW_ROLLUPS } from '../test/harness/chdb.js';
import { generateNsgV2Blob } from './gen-blob.js';
import { warmUp } from './ingest-child.js';
import { mdTable, parseFlags } from './util.js';

interface Event {
  ms: number;
  what: string;
}

/** The events of the run in progress, relative to its start. */
class Timeline {
  events: Event[] = [];
  private t0 = performance.now();
  restart() {
    this.events = [];
    this.t0 = performance.now();
  }
  add(what: string) {
    this.events.push({ ms: performance.now() - this.t0, what });
  }
}

export async function run(args: string[]): Promise<void> {
  const flags = parseFlags(args, { mb: 50, workers: '0,1,2', runs: 2, events: 0 });
  const work = join(tmpdir(), `flowlens-trace-${process.pid}`);
  mkdirSync(work, { recursive: true });
  const timeline = new Timeline();
  try {
    const blob = generateNsgV2Blob({ targetBytes: Number(flags.mb) * 1e6, seed: 1 });
    writeFileSync(join(work, 'PT1H.json'), blob);
    const db = openDb({ kind: 'embedded', path: join(work, 'db') });
    await migrate(db.client, { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 });
    traceStatements(db, timeline);
    const counts = String(flags.workers).split(',').map(Number);
    const pools = new Map(counts.map((w) => [w, w > 0 ? new NormalizerPool({ workers: w }) : undefined]));
    for (const pool of pools.values()) await warmUp(pool);
    const rows: string[][] = [];
    for (let r = 0; r < Number(flags.runs); r++) {
      for (const w of counts) {
        const copy = join(work, `run-${r}-${w}.json`);
        writeFileSync(copy, readFileSync(join(work, 'PT1H.json')));
        const { wall, load } = await traced(db, copy, timeline, pools.get(w));
        rows.push([String(w), String(r + 1), ...summary(timeline.events, wall), load.toFixed(1)]);
        if (Number(flags.events)) print(`workers ${w}, run ${r + 1}`, timeline.events);
      }
    }
    for (const pool of pools.values()) await pool?.close();
    await db.close();
    process.stdout.write(
      `### ingest timeline: ${(blob.length / 1e6).toFixed(1)} MB NSG v2 blob\n\n${mdTable(
        [
          'workers',
          'run',
          'wall ms',
          'first insert at',
          'flows inserts (n, ms)',
          'engine idle between',
          'after last insert',
          'main thread busy',
          'load',
        ],
        rows,
      )}\n`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** One ingest of `path` with every step recorded in `timeline`. */
async function traced(db: Db, path: string, timeline: Timeline, pool?: NormalizerPool) {
  for (const t of ['flows', ...FLOW_ROLLUPS, 'rejects', 'ingest_batches', 'ingest_batch_members'])
    await db.client.command({ query: `TRUNCATE TABLE ${t}` });
  const staging = new TracedStaging(defaultStagingRoot(), timeline);
  const sink = createClickHouseSink({ db, writer: chdbFileWriter(db.client, staging) });
  const ticker = stallTicker(timeline);
  timeline.restart();
  const t0 = performance.now();
  const result = await runPipeline({
    source: tracedSource(createFileSource({ paths: [path] }), timeline),
    normalize: (body, meta) => {
      timeline.add('normalize start');
      const out = normalize(body, meta);
      timeline.add(`normalize end (${out.columns.length} rows)`);
      return out;
    },
    ...(pool ? { parallel: tracedPool(pool.variant('plain'), timeline) } : {}),
    sink,
    signal: new AbortController().signal,
  });
  const wall = performance.now() - t0;
  clearInterval(ticker);
  await sink.close();
  await staging.close();
  if (result.error) throw result.error;
  return { wall, load: loadavg()[0]! };
}

/** Every statement the sink sends (inserts, committed counts, ledger), with its start and end. */
function traceStatements(db: Db, timeline: Timeline) {
  const client = db.client as unknown as Record<string, (p: { query?: string }) => Promise<unknown>>;
  for (const m of ['command', 'query', 'insert', 'exec']) {
    const call = client[m]!.bind(db.client);
    client[m] = async (p) => {
      const q = (p.query ?? `insert ${String((p as { table?: string }).table)}`).replace(/\s+/g, ' ');
      timeline.add(`start ${q.slice(0, 40)}`);
      try {
        return await call(p);
      } finally {
        timeline.add(`end ${q.slice(0, 40)}`);
      }
    };
  }
}

class TracedStaging extends StagingArea {
  constructor(
    root: string,
    private readonly timeline: Timeline,
  ) {
    super(root);
  }
  override async write(parts: readonly Buffer[]) {
    this.timeline.add(`staging write start (${parts.reduce((n, p) => n + p.length, 0)} bytes)`);
    const path = await super.write(parts);
    this.timeline.add('staging write end');
    return path;
  }
}

function tracedSource(source: Source, timeline: Timeline): Source {
  return {
    ...source,
    async *batches(signal) {
      let i = 0;
      for await (const b of source.batches(signal)) {
        const n = i++;
        timeline.add(`read #${n} (${b.body.length} bytes)`);
        yield { ...b, ack: () => (timeline.add(`ack #${n}`), b.ack()) };
      }
    },
  };
}

function tracedPool(parallel: ParallelNormalizer, timeline: Timeline): ParallelNormalizer {
  return {
    concurrency: parallel.concurrency,
    async normalize(body: Buffer, meta: NormalizeMeta): Promise<NormalizeResult> {
      timeline.add('post to worker');
      const out = await parallel.normalize(body, meta);
      timeline.add(`worker result (${out.columns.length} rows)`);
      return out;
    },
  };
}

/** Main-thread stalls: a 5 ms interval whose late ticks say how long the thread was busy. */
function stallTicker(timeline: Timeline) {
  let last = performance.now();
  return setInterval(() => {
    const now = performance.now();
    if (now - last > 15) timeline.add(`main thread busy ${Math.round(now - last - 5)} ms`);
    last = now;
  }, 5);
}

/** wall, first insert start, inserts (n, ms), engine idle between inserts, after the last, main busy. */
function summary(events: Event[], wall: number): string[] {
  const starts = events.filter((e) => e.what.startsWith('start INSERT INTO flows'));
  const ends = events.filter((e) => e.what.startsWith('end INSERT INTO flows'));
  const busy = ends.reduce((n, e, i) => n + e.ms - starts[i]!.ms, 0);
  const first = starts[0]?.ms ?? 0;
  const last = ends.at(-1)?.ms ?? 0;
  const stalls = events
    .filter((e) => e.what.startsWith('main thread busy'))
    .reduce((n, e) => n + Number(/(\d+) ms/.exec(e.what)?.[1]), 0);
  const ms = (n: number) => String(Math.round(n));
  return [
    ms(wall),
    ms(first),
    `${starts.length}, ${ms(busy)}`,
    ms(last - first - busy),
    ms(wall - last),
    ms(stalls),
  ];
}

function print(title: string, events: Event[]) {
  const lines = events.map((e) => `${String(Math.round(e.ms)).padStart(6)}  ${e.what}`);
  process.stdout.write(`\n#### ${title}\n\n\`\`\`\n${lines.join('\n')}\n\`\`\`\n\n`);
}
