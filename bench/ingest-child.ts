import type { Db } from '../core/clickhouse/client.js';
import { openDb } from '../core/clickhouse/client.js';
import { migrate } from '../core/clickhouse/migrate.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../core/clickhouse/migrations/types.js';
import { normalize } from '../ingest/normalizers/index.js';
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

/** The production path, as `flowlens ingest` wires it: file source → normalize → sink. */
export async function ingestFiles(db: Db, paths: string[], tuning: Tuning): Promise<PipelineResult> {
  const sink = createClickHouseSink({ db, batchRows: tuning.batchRows });
  try {
    const result = await runPipeline({
      source: createFileSource({ paths, chunkBytes: Math.round(tuning.chunkMb * 1024 * 1024) }),
      normalize,
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
  const { db: dir, path } = JSON.parse(spec) as { db: string; path: string };
  const db = openDb({ kind: 'embedded', path: dir });
  await migrate(db.client, { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 });
  await db.client.query({ query: 'SELECT count() FROM flows', format: 'JSONEachRow' }).then((r) => r.json());
  const idleRss = process.memoryUsage().rss;
  const t0 = performance.now();
  const result = await ingestFiles(db, [path], tuning);
  const ms = performance.now() - t0;
  const maxRss = process.resourceUsage().maxRSS * 1024;
  await db.close();
  const out: ChildResult = { idleRss, maxRss, peakAboveIdle: maxRss - idleRss, rows: result.rows, ms };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
