/**
 * One measured ingest in its own process (chDB allows one data directory per process, and peak RSS
 * must be this run's alone): `node --import tsx bench/kafka-child.ts '<spec json>'`.
 * Prints one JSON line: rows, wall time, idle and peak RSS.
 */
import { openDb } from '../core/clickhouse/client.js';
import { migrate } from '../core/clickhouse/migrate.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../core/clickhouse/migrations/types.js';
import type { FlowSink, Normalizer, Source } from '../ingest/contracts.js';
import { normalize } from '../ingest/normalizers/index.js';
import { runPipeline } from '../ingest/pipeline.js';
import { createClickHouseSink } from '../ingest/sinks/clickhouse/sink.js';
import { createFileSource } from '../ingest/sources/file/source.js';
import { KafkaSourceConfigSchema } from '../ingest/sources/kafka/config.js';
import { createKafkaSource, withKafkaFrames } from '../ingest/sources/kafka/index.js';
import { runAsChild } from './util.js';

export interface KafkaChildSpec {
  db: string;
  source:
    | { kind: 'file'; paths: string[] }
    | {
        kind: 'kafka';
        brokers: string[];
        topic: string;
        group: string;
        maxInFlightMb: number;
        rangeMb: number;
      };
  /** Stop once this many rows are written (Kafka never ends by itself). */
  expectRows: number;
  /** Extra delay per sink write: an artificially slow database. */
  slowSinkMs: number;
}

export interface KafkaChildResult {
  rows: number;
  ms: number;
  /** When the first batch was acked, and its rows: steady-state rate excludes start-up (group join). */
  firstMs: number;
  firstRows: number;
  /** Kafka only: the source's own high-water mark of bytes handed out and not yet durable. */
  peakInFlightBytes: number;
  /** Process CPU (user + system, all threads incl. the embedded engine) during the ingest. */
  cpuMs: number;
  idleRss: number;
  maxRss: number;
}

function slowed(sink: FlowSink, ms: number): FlowSink {
  if (!ms) return sink;
  return {
    write: async (...args) => {
      await new Promise((r) => setTimeout(r, ms));
      return sink.write(...args);
    },
    close: () => sink.close(),
  };
}

function makeSource(spec: KafkaChildSpec): {
  source: Source & { stats?(): { peakInFlightBytes: number } };
  normalize: Normalizer;
} {
  const s = spec.source;
  if (s.kind === 'file') return { source: createFileSource({ paths: s.paths }), normalize };
  const cfg = KafkaSourceConfigSchema.parse({
    type: 'kafka',
    brokers: s.brokers,
    topics: [s.topic],
    groupId: s.group,
    maxInFlightBytes: s.maxInFlightMb * 1024 * 1024,
    ...(s.rangeMb ? { range: { maxBytes: s.rangeMb * 1024 * 1024 } } : {}),
  });
  return { source: createKafkaSource(cfg, { secrets: {} }), normalize: withKafkaFrames(normalize) };
}

async function main(spec: KafkaChildSpec): Promise<KafkaChildResult> {
  const db = openDb({ kind: 'embedded', path: spec.db });
  await migrate(db.client, { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 });
  const idleRss = process.memoryUsage().rss;
  const { source, normalize: norm } = makeSource(spec);
  const sink = slowed(createClickHouseSink({ db }), spec.slowSinkMs);
  const ac = new AbortController();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let firstMs = 0;
  let firstRows = 0;
  const result = await runPipeline({
    source,
    sink,
    normalize: norm,
    signal: ac.signal,
    onBatch: (stats, batch) => {
      if (process.env.BENCH_TRACE)
        process.stderr.write(
          `${(performance.now() - t0).toFixed(0)} ms ${batch.position.key} ${batch.position.start}-${batch.position.end} rows=${stats.rows}\n`,
        );
      if (!firstMs) [firstMs, firstRows] = [performance.now() - t0, stats.rows];
      if (stats.rows >= spec.expectRows) ac.abort();
    },
  });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (result.error) throw result.error;
  await source.stop();
  await sink.close();
  await db.close();
  return {
    rows: result.rows,
    ms,
    firstMs,
    peakInFlightBytes: source.stats?.().peakInFlightBytes ?? 0,
    firstRows,
    cpuMs: (cpu.user + cpu.system) / 1000,
    idleRss,
    maxRss: process.resourceUsage().maxRSS * 1024,
  };
}

runAsChild(main(JSON.parse(process.argv[2] ?? '{}') as KafkaChildSpec));
