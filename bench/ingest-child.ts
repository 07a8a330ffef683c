import type { Db } from '../core/clickhouse/client.js';
import { openDb } from '../core/clickhouse/client.js';
import { migrate } from '../core/clickhouse/migrate.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../core/clickhouse/migrations/types.js';
import { normalize } from '../ingest/normalizers/index.js';
import { NormalizerPool } from '../ingest/normalizers/pool/pool.js';
import { type PipelineResult, runPipeline } from '../ingest/pipeline.js';
import { createClickHouseSink } from '../ingest/sinks/clickhouse/sink.js';
import { createFileSource } from '../ingest/sources/file/source.js';

/** What the RSS-isolated child reports. */
export interface ChildResult {
  idleRss: number;
  maxRss: number;
  peakAboveIdle: number;
  rows: number;
  ms: number;
}

/** Knobs the benchmark sweeps: body size of the file source and rows per insert of the sink. */
export interface Tuning {
  chunkMb: number;
  batchRows: number;
}

/**
 * The production path, as `flowlens ingest` wires it: file source → normalize → sink. With a pool,
 * bodies are normalized in its worker threads (`ingest.workers`), without it in-thread (0 workers).
 */
export async function ingestFiles(
  db: Db,
  paths: string[],
  tuning: Tuning,
  pool?: NormalizerPool,
): Promise<PipelineResult> {
  const sink = createClickHouseSink({ db, batchRows: tuning.batchRows });
  try {
    const result = await runPipeline({
      source: createFileSource({ paths, chunkBytes: Math.round(tuning.chunkMb * 1024 * 1024) }),
      normalize,
      ...(pool ? { parallel: pool.variant('plain') } : {}),
      sink,
      signal: new AbortController().signal,
    });
    if (result.error) throw result.error;
    return result;
  } finally {
    await sink.close();
  }
}

/**
 * Runs one ingest in this process and prints its memory as JSON. Idle = RSS after the engine is
 * open and migrated (chDB lives in this process); peak = the process's max RSS.
 */
export async function runChild(spec: string, tuning: Tuning): Promise<void> {
  const { db: dir, path, workers } = JSON.parse(spec) as { db: string; path: string; workers: number };
  // Started before idle is read: the pool's threads are part of the process at rest, not of the ingest.
  const pool = workers > 0 ? new NormalizerPool({ workers }) : undefined;
  await warmUp(pool);
  const db = openDb({ kind: 'embedded', path: dir });
  await migrate(db.client, { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 });
  await db.client.query({ query: 'SELECT count() FROM flows', format: 'JSONEachRow' }).then((r) => r.json());
  const idleRss = process.memoryUsage().rss;
  const t0 = performance.now();
  const result = await ingestFiles(db, [path], tuning, pool);
  const ms = performance.now() - t0;
  const maxRss = process.resourceUsage().maxRSS * 1024;
  await pool?.close();
  await db.close();
  const out: ChildResult = { idleRss, maxRss, peakAboveIdle: maxRss - idleRss, rows: result.rows, ms };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** One tiny body per worker, so every thread has loaded its normalizer before anything is measured. */
export async function warmUp(pool: NormalizerPool | undefined): Promise<void> {
  if (!pool) return;
  const body = Buffer.from('{"records":[]}');
  await Promise.all(Array.from({ length: pool.size }, () => pool.run('plain', body, { source: 'warm-up' })));
}
