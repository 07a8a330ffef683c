import { randomUUID } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../core/azurite.js';
import { silentLogger } from '../../core/logging.js';
import { createMetrics, type Metrics } from '../../core/metrics.js';
import { normalize } from '../../ingest/normalizers/index.js';
import { runPipeline } from '../../ingest/pipeline.js';
import { createClickHouseSink } from '../../ingest/sinks/clickhouse/sink.js';
import { createBlobTarget } from '../../ingest/sources/blob/client.js';
import { DEFAULT_CONTAINERS } from '../../ingest/sources/blob/paths.js';
import { BlobSource } from '../../ingest/sources/blob/source.js';
import { AzureBlobWriter, type FlowLogStream } from '../harness/azure-blob-writer.js';
import { waitFor } from '../harness/batch-collector.js';
import { count, openTestDb } from '../harness/chdb.js';

/**
 * Two instances on one storage account, coordinating only through blob leases (and sharing the
 * database, as two processes would share a ClickHouse server; chDB allows one process, so both run
 * in this one). Every blob is read by exactly one instance; a crashed instance's shards are taken
 * over once its leases expire.
 */
const STREAMS: FlowLogStream[] = Array.from({ length: 4 }, (_, i) => ({
  kind: i % 2 ? 'vnet' : 'nsg',
  subscription: '9999-0000',
  resourceGroup: `rg-${i}`,
  name: `res-${i}`,
}));
const MAC = '000D3A999999';
const LEASE_SECONDS = 15;

let az: AzuriteHandle;
let db: Awaited<ReturnType<typeof openTestDb>>;

beforeAll(async () => {
  [az, db] = await Promise.all([startAzurite(), openTestDb()]);
});
afterAll(async () => {
  await Promise.all([az?.stop(), db?.close()]);
});

function instance() {
  const metrics = createMetrics();
  const source = new BlobSource({
    name: 'leased',
    target: createBlobTarget({ method: 'connection-string', connectionString: az.connectionString }),
    containers: [...DEFAULT_CONTAINERS],
    prefixes: [],
    pollIntervalMs: 300,
    discoveryIntervalMs: 0,
    listPageSize: 100,
    maxRangeBytes: 1 << 20,
    concurrency: 4,
    lease: { container: 'flowlens-leases', durationSeconds: LEASE_SECONDS, owner: randomUUID() },
    db: db.client,
    metrics,
    logger: silentLogger(),
  });
  const controller = new AbortController();
  const sink = createClickHouseSink({ db, metrics, signal: controller.signal });
  const run = runPipeline({ source, normalize, sink, metrics, signal: controller.signal });
  return {
    metrics,
    /** Simulated crash: the loop ends, nothing is released or flushed; leases run out. */
    async crash() {
      controller.abort();
      await run;
      await sink.close();
    },
    async stop() {
      controller.abort();
      await run;
      await source.stop(5_000);
      await sink.close();
    },
  };
}

async function metric(metrics: Metrics, name: string): Promise<number> {
  const m = await metrics.registry.getSingleMetric(name)?.get();
  return m?.values.reduce((s, v) => s + v.value, 0) ?? 0;
}

describe('two instances on one account (blob leases)', () => {
  it('split the shards, read every byte once, and take over after a crash', {
    timeout: 240_000,
  }, async () => {
    const writer = new AzureBlobWriter(BlobServiceClient.fromConnectionString(az.connectionString));
    await writer.ensureContainers();
    let dataBytes = 0;
    const round = async () => {
      for (const s of STREAMS) dataBytes += (await writer.append(s, MAC, Date.now())).bytes;
    };
    await round();
    const a = instance();
    const b = instance();
    const owned = (x: ReturnType<typeof instance>) => metric(x.metrics, 'flowlens_blob_shards_owned');
    try {
      await waitFor(async () => (await owned(a)) === 2 && (await owned(b)) === 2, 90_000, 'fair split 2 + 2');
      for (let i = 0; i < 3; i++) {
        await round();
        await waitFor(async () => (await count(db, 'flows')) === writer.totalTuples, 30_000, `round ${i}`);
      }
      const downloaded = async () =>
        (await metric(a.metrics, 'flowlens_blob_bytes_downloaded_total')) +
        (await metric(b.metrics, 'flowlens_blob_bytes_downloaded_total'));
      // Nothing read twice: together the instances downloaded exactly the data bytes written.
      expect(await downloaded()).toBe(dataBytes);
      expect(await metric(a.metrics, 'flowlens_blob_bytes_downloaded_total')).toBeGreaterThan(0);
      expect(await metric(b.metrics, 'flowlens_blob_bytes_downloaded_total')).toBeGreaterThan(0);

      await a.crash();
      for (let i = 0; i < 2; i++) await round();
      // b owns all four once a's leases expired and its heartbeat aged out.
      await waitFor(async () => (await owned(b)) === 4, 90_000, 'takeover');
      await waitFor(
        async () => (await count(db, 'flows')) === writer.totalTuples,
        60_000,
        'rows after takeover',
      );
    } finally {
      await b.stop();
      await a.stop().catch(() => undefined);
    }
    expect(await count(db, 'flows')).toBe(writer.totalTuples);
  });
});
