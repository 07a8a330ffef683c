/**
 * `npm run bench -- blob [--blobs 8] [--mb 4] [--samples 8] [--poll-ms 1000]`
 *
 * 1. Throughput: the same synthetic PT1H.json blobs (bench/gen-blob.ts) ingested by the file source
 *    from disk and by the blob source from Azurite (written Azure-style: 12-byte head, one block per
 *    minute record, 2-byte tail), same pipeline and sink, same process. Reported as a ratio.
 * 2. Latency: a live blob source with a short poll interval; a block is committed and the time until
 *    its rows are queryable in `flows` is measured, `samples` times. The bar is poll interval + 5 s.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { startAzurite } from '../core/azurite.js';
import { type Db, openDb } from '../core/clickhouse/client.js';
import { migrate } from '../core/clickhouse/migrate.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../core/clickhouse/migrations/types.js';
import { silentLogger } from '../core/logging.js';
import { createMetrics } from '../core/metrics.js';
import type { Source } from '../ingest/contracts.js';
import { normalize } from '../ingest/normalizers/index.js';
import { runPipeline } from '../ingest/pipeline.js';
import { createClickHouseSink } from '../ingest/sinks/clickhouse/sink.js';
import { createBlobTarget } from '../ingest/sources/blob/client.js';
import { BlobSource } from '../ingest/sources/blob/source.js';
import { noFilePositions } from '../ingest/sources/file/positions.js';
import { createFileSource } from '../ingest/sources/file/source.js';
import { AzureBlobWriter, type FlowLogStream } from '../test/harness/azure-blob-writer.js';
import { generateNsgV2Blob } from './gen-blob.js';
import { mdTable, median, parseFlags } from './util.js';

const NO_TTL = { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 };
const CONTAINER = 'insights-logs-networksecuritygroupflowevent';

export async function run(args: string[]): Promise<void> {
  const flags = parseFlags(args, { blobs: 8, mb: 4, samples: 8, 'poll-ms': 1000 });
  const work = mkdtempSync(join(tmpdir(), 'flowlens-bench-blob-'));
  const az = await startAzurite();
  const db = openDb({ kind: 'embedded', path: join(work, 'db') });
  try {
    await migrate(db.client, NO_TTL);
    const service = BlobServiceClient.fromConnectionString(az.connectionString);
    const container = service.getContainerClient(CONTAINER);
    await container.create();
    const bodies = Array.from({ length: Number(flags.blobs) }, (_, i) =>
      generateNsgV2Blob({ targetBytes: Number(flags.mb) * 1e6, seed: i + 1 }),
    );
    const paths = bodies.map((b, i) => {
      const p = join(work, `PT1H-${i}.json`);
      writeFileSync(p, b);
      return p;
    });
    for (const [i, body] of bodies.entries()) await uploadAzureStyle(container, blobName(i), body);
    const file = await timedIngest(
      db,
      createFileSource({ paths, positions: noFilePositions, logger: silentLogger() }),
    );
    const blob = await timedIngest(
      db,
      blobSource(az.connectionString, db, { once: true, pollIntervalMs: 1000 }),
    );
    const latency = await measureLatency(
      az.connectionString,
      db,
      Number(flags.samples),
      Number(flags['poll-ms']),
    );
    const mb = bodies.reduce((s, b) => s + b.length, 0) / 1e6;
    report(mb, file, blob, latency, Number(flags['poll-ms']));
  } finally {
    await db.close();
    await az.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

function blobName(i: number): string {
  const mac = (0x000d3a000000 + i).toString(16).toUpperCase().padStart(12, '0');
  return `resourceId=/SUBSCRIPTIONS/BENCH/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG-BENCH/y=2024/m=08/d=19/h=18/m=00/macAddress=${mac}/PT1H.json`;
}

/** Head block, one block per record (cut before each `,` that separates records), tail block. */
async function uploadAzureStyle(container: ContainerClient, name: string, body: Buffer): Promise<void> {
  const blob = container.getBlockBlobClient(name);
  const text = body.toString('utf8');
  const inner = text.slice(12, -2);
  const parts = inner.split(/(?=,\{"time")/);
  const ids: string[] = [];
  const id = (n: number) => Buffer.from(`B${String(n).padStart(31, '0')}`).toString('base64');
  const blocks = [text.slice(0, 12), ...parts, text.slice(-2)];
  for (const [n, b] of blocks.entries()) {
    await blob.stageBlock(id(n), b, Buffer.byteLength(b));
    ids.push(id(n));
  }
  await blob.commitBlockList(ids);
}

function blobSource(
  conn: string,
  db: Db,
  o: { once: boolean; pollIntervalMs: number; startTimeMs?: number },
) {
  return new BlobSource({
    name: 'bench',
    target: createBlobTarget({ method: 'connection-string', connectionString: conn }),
    containers: [CONTAINER],
    prefixes: [],
    pollIntervalMs: o.pollIntervalMs,
    discoveryIntervalMs: 60_000,
    listPageSize: 5000,
    maxRangeBytes: 16 * 1024 * 1024,
    concurrency: 4,
    ...(o.once ? { once: true } : {}),
    db: db.client,
    metrics: createMetrics(),
    logger: silentLogger(),
  });
}

async function timedIngest(db: Db, source: Source): Promise<{ seconds: number; rows: number }> {
  const controller = new AbortController();
  const sink = createClickHouseSink({ db, signal: controller.signal });
  const t0 = performance.now();
  const result = await runPipeline({ source, normalize, sink, signal: controller.signal });
  const seconds = (performance.now() - t0) / 1000;
  await source.stop();
  await sink.close();
  if (result.error) throw result.error;
  return { seconds, rows: result.rows };
}

async function flowCount(db: Db): Promise<number> {
  const rs = await db.client.query({ query: 'SELECT count() AS n FROM flows', format: 'JSONEachRow' });
  return Number((await rs.json<{ n: number }>())[0]?.n ?? 0);
}

/** Commit → rows queryable, with a live source polling every `pollMs`. */
async function measureLatency(conn: string, db: Db, samples: number, pollMs: number): Promise<number[]> {
  const writer = new AzureBlobWriter(BlobServiceClient.fromConnectionString(conn));
  await writer.ensureContainers();
  const stream: FlowLogStream = { kind: 'nsg', subscription: 'lat', resourceGroup: 'rg', name: 'nsg-lat' };
  const source = blobSource(conn, db, { once: false, pollIntervalMs: pollMs });
  const controller = new AbortController();
  const sink = createClickHouseSink({ db, signal: controller.signal });
  const running = runPipeline({ source, normalize, sink, signal: controller.signal });
  const out: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const before = await flowCount(db);
      // Random phase against the poll loop, as real commits are.
      await new Promise((r) => setTimeout(r, Math.random() * pollMs));
      const r = await writer.append(stream, '000D3ALATE01', Date.now(), { tuples: 5 });
      const committed = performance.now();
      while ((await flowCount(db)) < before + r.tuples) await new Promise((res) => setTimeout(res, 20));
      out.push((performance.now() - committed) / 1000);
    }
  } finally {
    controller.abort();
    await running;
    await source.stop();
    await sink.close();
  }
  return out;
}

function report(
  mb: number,
  file: { seconds: number; rows: number },
  blob: { seconds: number; rows: number },
  latency: number[],
  pollMs: number,
): void {
  const row = (name: string, r: { seconds: number; rows: number }) => [
    name,
    r.rows.toString(),
    r.seconds.toFixed(2),
    Math.round(r.rows / r.seconds).toString(),
    (mb / r.seconds).toFixed(1),
  ];
  const lines = [
    `## blob source (${mb.toFixed(1)} MB in blobs of ~${(mb / 1).toFixed(0)} MB total)`,
    '',
    mdTable(
      ['source', 'rows', 'seconds', 'rows/s', 'MB/s'],
      [row('file (disk)', file), row('blob (Azurite)', blob)],
    ),
    '',
    `blob / file throughput ratio: **${(file.seconds / blob.seconds).toFixed(2)}**`,
    '',
    `commit → queryable latency, poll ${pollMs} ms, ${latency.length} samples: median ${median(latency).toFixed(2)} s, ` +
      `max ${Math.max(...latency).toFixed(2)} s (bar: ≤ ${(pollMs / 1000 + 5).toFixed(1)} s)`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
