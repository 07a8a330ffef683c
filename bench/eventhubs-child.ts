import { fileURLToPath } from 'node:url';
import { type Db, openDb } from '../core/clickhouse/client.js';
import { migrate } from '../core/clickhouse/migrate.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../core/clickhouse/migrations/types.js';
import type { FlowSink, Normalizer, Source } from '../ingest/contracts.js';
import { normalize } from '../ingest/normalizers/index.js';
import { runPipeline } from '../ingest/pipeline.js';
import { createClickHouseSink } from '../ingest/sinks/clickhouse/sink.js';
import { EventHubsSourceConfigSchema } from '../ingest/sources/event-hubs/config.js';
import { createEventHubsSource } from '../ingest/sources/event-hubs/source.js';
import { createFileSource } from '../ingest/sources/file/source.js';
import { withKafkaFrames } from '../ingest/sources/kafka/frame-normalizer.js';
import { runAsChild } from './util.js';

/** One measured ingest, in its own process (own chDB directory, own max RSS). */
export interface EhChildSpec {
  kind: 'file' | 'event-hubs';
  db: string;
  paths?: string[];
  eventHubs?: string;
  storage?: string;
  container?: string;
  /** Event Hubs: stop once this many rows are in. */
  rows?: number;
  /** Delay added to every sink write (the slowed-sink memory run). */
  slowMs?: number;
  maxBatchEvents?: number;
  prefetchEvents?: number;
}

export interface EhChildResult {
  rows: number;
  ms: number;
  /** Time to the first acked batch (connect, claim partitions, first receive), and its rows. */
  firstMs: number;
  firstRows: number;
  cpuMs: number;
  idleRss: number;
  maxRss: number;
}

async function main(spec: EhChildSpec): Promise<EhChildResult> {
  const db = openDb({ kind: 'embedded', path: spec.db });
  await migrate(db.client, { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 });
  await countRows(db);
  const idleRss = process.memoryUsage().rss;
  const sink = slowed(createClickHouseSink({ db }), spec.slowMs ?? 0);
  const { source, normalizer } = makeSource(spec);
  const controller = new AbortController();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let firstMs = -1;
  let firstRows = 0;
  const onBatch = (stats: { rows: number }) => {
    if (firstMs < 0) [firstMs, firstRows] = [performance.now() - t0, stats.rows];
    // A stream never ends: stop once the expected rows are written (checked by count below).
    if (spec.kind === 'event-hubs' && stats.rows >= (spec.rows ?? 0)) controller.abort();
  };
  const result = await runPipeline({
    source,
    sink,
    normalize: normalizer,
    signal: controller.signal,
    onBatch,
  });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await source.stop();
  await sink.close();
  const rows = await countRows(db);
  await db.close();
  if (result.error) throw result.error;
  return {
    rows,
    ms,
    firstMs,
    firstRows,
    cpuMs: (cpu.user + cpu.system) / 1000,
    idleRss,
    maxRss: process.resourceUsage().maxRSS * 1024,
  };
}

function makeSource(spec: EhChildSpec): { source: Source; normalizer: Normalizer } {
  if (spec.kind === 'file')
    return { source: createFileSource({ paths: spec.paths! }), normalizer: normalize };
  const config = EventHubsSourceConfigSchema.parse({
    type: 'event-hubs',
    connectionStringEnv: 'BENCH',
    checkpoint: { connectionStringEnv: 'BENCH', container: spec.container },
    // The defaults a user gets (batch/prefetch 300 events, 1 s max wait, greedy load balancing),
    // unless a spec overrides the batch sizes.
    ...(spec.maxBatchEvents ? { maxBatchEvents: spec.maxBatchEvents } : {}),
    ...(spec.prefetchEvents ? { prefetchEvents: spec.prefetchEvents } : {}),
  });
  const source = createEventHubsSource({
    config,
    secrets: { connectionString: spec.eventHubs!, checkpointConnectionString: spec.storage! },
  });
  return { source, normalizer: withKafkaFrames(normalize) };
}

function slowed(sink: FlowSink, ms: number): FlowSink {
  if (ms <= 0) return sink;
  return {
    write: async (columns, rejects, position) => {
      await new Promise((r) => setTimeout(r, ms));
      return sink.write(columns, rejects, position);
    },
    close: () => sink.close(),
  };
}

async function countRows(db: Db): Promise<number> {
  const rs = await db.client.query({ query: 'SELECT count() AS n FROM flows', format: 'JSONEachRow' });
  const [r] = await rs.json<{ n: string }>();
  return Number(r?.n ?? 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runAsChild(main(JSON.parse(process.argv[2]!) as EhChildSpec));
}
