import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../core/azurite.js';
import { silentLogger } from '../../core/logging.js';
import { createMetrics, type Metrics } from '../../core/metrics.js';
import { normalize } from '../../ingest/normalizers/index.js';
import { runPipeline } from '../../ingest/pipeline.js';
import { createClickHouseSink } from '../../ingest/sinks/clickhouse/sink.js';
import { createBlobTarget } from '../../ingest/sources/blob/client.js';
import { blobLagKey } from '../../ingest/sources/blob/component.js';
import { withBlobRange } from '../../ingest/sources/blob/normalize.js';
import { DEFAULT_CONTAINERS } from '../../ingest/sources/blob/paths.js';
import { BlobSource, type BlobSourceOptions } from '../../ingest/sources/blob/source.js';
import { instrumentSource } from '../../ingest/sources/metrics.js';
import { AzureBlobWriter, blobPath, type FlowLogStream } from '../harness/azure-blob-writer.js';
import { waitFor } from '../harness/batch-collector.js';
import { count, openTestDb, rows } from '../harness/chdb.js';

const NSG: FlowLogStream = {
  kind: 'nsg',
  subscription: 'dddd-4444',
  resourceGroup: 'rg-app',
  name: 'nsg-app',
};
const VNET: FlowLogStream = {
  kind: 'vnet',
  subscription: 'eeee-5555',
  resourceGroup: 'rg-hub',
  name: 'hub-flowlog',
};
const MACS = ['000D3AF87856', '7CED8D2684E5'];
const REWRITE_MAC = '00155D0A0B0C';
const T0 = Date.UTC(2026, 10, 29, 13, 58, 10);

let az: AzuriteHandle;
let db: Awaited<ReturnType<typeof openTestDb>>;
let writer: AzureBlobWriter;
const clock = { now: T0 };

beforeAll(async () => {
  [az, db] = await Promise.all([startAzurite(), openTestDb()]);
  writer = new AzureBlobWriter(BlobServiceClient.fromConnectionString(az.connectionString));
  await writer.ensureContainers();
});
afterAll(async () => {
  await Promise.all([az?.stop(), db?.close()]);
});

/** The real pipeline: blob source → normalizer → ClickHouse sink (chDB), until stopped. */
function startIngest(metrics: Metrics, extra: Partial<BlobSourceOptions> = {}) {
  const source = new BlobSource({
    name: 'blob-e2e',
    target: createBlobTarget({ method: 'connection-string', connectionString: az.connectionString }),
    containers: [...DEFAULT_CONTAINERS],
    prefixes: [],
    pollIntervalMs: 100,
    discoveryIntervalMs: 0,
    listPageSize: 100,
    maxRangeBytes: 1 << 20,
    concurrency: 4,
    db: db.client,
    metrics,
    logger: silentLogger(),
    now: () => clock.now,
    ...extra,
  });
  const controller = new AbortController();
  const sink = createClickHouseSink({ db, metrics, signal: controller.signal });
  // The uniform source series, as the registry keeps them for `flowlens run`.
  const instrumented = instrumentSource(source, {
    series: metrics.source,
    labels: { source: 'blob-e2e', kind: 'blob' },
    now: () => clock.now,
    lagKey: blobLagKey,
  });
  const run = runPipeline({
    source: instrumented.source,
    normalize: withBlobRange(normalize),
    sink,
    metrics,
    signal: controller.signal,
  });
  return {
    source,
    async stop() {
      controller.abort();
      const result = await run;
      await source.stop(5_000);
      await sink.close();
      expect(result.error).toBeUndefined();
    },
  };
}

const flows = () => count(db, 'flows');

describe('blob source → pipeline → ClickHouse', () => {
  it('rows appear after each appended block, across an hour boundary; totals equal tuples written', async () => {
    const metrics = createMetrics();
    const ingest = startIngest(metrics);
    try {
      for (let minute = 0; minute < 4; minute++) {
        clock.now = T0 + minute * 60_000;
        for (const s of [NSG, VNET])
          for (const mac of MACS) await writer.append(s, mac, clock.now, { tuples: 2 + minute });
        await waitFor(async () => (await flows()) === writer.totalTuples, 30_000, `rows of minute ${minute}`);
      }
    } finally {
      await ingest.stop();
    }
    expect(await flows()).toBe(writer.totalTuples);
    const perMac = await rows<{ mac: string; format: string; n: number }>(
      db,
      'SELECT mac, format, count() AS n FROM flows GROUP BY mac, format ORDER BY format, mac',
    );
    expect(perMac.map((r) => `${r.format}/${r.mac}`)).toEqual([
      `nsg-v2/${MACS[0]}`,
      `nsg-v2/${MACS[1]}`,
      `vnet/${MACS[0]}`,
      `vnet/${MACS[1]}`,
    ]);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/flowlens_blob_blobs_seen_total\{source="blob-e2e"\} 8/); // 2 streams × 2 MACs × 2 hours
    expect(text).toMatch(/flowlens_blob_bytes_downloaded_total\{source="blob-e2e"\} [1-9]/);
    // One lag series per flow log (root), not per blob-hour.
    const lag = text.split('\n').filter((l) => l.startsWith('flowlens_source_lag_seconds{source="blob-e2e"'));
    expect(lag).toHaveLength(2);
    expect(lag.join('\n')).toMatch(/kind="blob",key="[^"]*\/NETWORKSECURITYGROUPS\/NSG-APP\/"\} \d/i);
  });

  it('a malformed block becomes a reject naming the blob and byte range; the blob keeps being followed', async () => {
    const rejectsBefore = await count(db, 'rejects');
    const ingest = startIngest(createMetrics());
    const t = T0 + 10 * 60_000;
    clock.now = t;
    try {
      await writer.append(NSG, MACS[0]!, t);
      await waitFor(async () => (await flows()) === writer.totalTuples, 30_000, 'good block');
      await writer.append(NSG, MACS[0]!, t + 60_000, { malformed: true });
      await waitFor(async () => (await count(db, 'rejects')) > rejectsBefore, 30_000, 'reject');
      await writer.append(NSG, MACS[0]!, t + 120_000);
      await waitFor(async () => (await flows()) === writer.totalTuples, 30_000, 'block after the bad one');
    } finally {
      await ingest.stop();
    }
    const [reject] = await rows<{ source: string; detail: string; reason: string }>(
      db,
      'SELECT source, detail, reason FROM rejects ORDER BY time DESC LIMIT 1',
    );
    expect(reject?.source).toContain(blobPath(NSG, MACS[0]!, t));
    expect(reject?.detail).toMatch(/blob bytes \d+-\d+/);
    expect(await flows()).toBe(writer.totalTuples);
  });

  it('a blob rewritten with the same bytes adds nothing; with new bytes adds only the new rows', async () => {
    // A blob of its own: earlier tests wrote into the other MACs' blobs of this hour.
    const t = T0 + 20 * 60_000;
    clock.now = t + 2 * 60_000;
    const metrics = createMetrics();
    const ingest = startIngest(metrics);
    try {
      let firstBytes = 0;
      for (let m = 0; m < 3; m++) {
        const r = await writer.append(VNET, REWRITE_MAC, t + m * 60_000);
        if (m === 0) firstBytes = r.bytes;
        await waitFor(async () => (await flows()) === writer.totalTuples, 30_000, `minute ${m}`);
      }
      const before = await flows();
      const downloaded = await metric(metrics, 'flowlens_blob_bytes_downloaded_total');
      // Same records, new block ids: the block list no longer extends the cursor → re-read from the head.
      await writer.recreate(VNET, REWRITE_MAC, t);
      let size = 0;
      for (let m = 0; m < 3; m++) size += (await writer.append(VNET, REWRITE_MAC, t + m * 60_000)).bytes;
      await waitFor(
        async () => (await metric(metrics, 'flowlens_blob_bytes_downloaded_total')) - downloaded >= size,
        30_000,
        're-read of the rewritten blob',
      );
      expect(await metric(metrics, 'flowlens_blob_resets_total')).toBeGreaterThanOrEqual(1);
      expect(await flows()).toBe(before);
      // Different bytes over exactly the old first range (same length, one second later): new rows,
      // not mistaken for a replay of that range.
      await writer.recreate(VNET, REWRITE_MAC, t);
      const added = await writer.append(VNET, REWRITE_MAC, t + 1_000);
      expect(added.bytes).toBe(firstBytes);
      await waitFor(async () => (await flows()) === before + added.tuples, 30_000, 'new content');
    } finally {
      await ingest.stop();
    }
  });
});

async function metric(metrics: Metrics, name: string): Promise<number> {
  const m = await metrics.registry.getSingleMetric(name)?.get();
  return m?.values.reduce((s, v) => s + v.value, 0) ?? 0;
}
