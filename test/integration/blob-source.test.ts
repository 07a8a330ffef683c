import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../core/azurite.js';
import { silentLogger } from '../../core/logging.js';
import { createMetrics } from '../../core/metrics.js';
import { createBlobTarget } from '../../ingest/sources/blob/client.js';
import { DEFAULT_CONTAINERS } from '../../ingest/sources/blob/paths.js';
import { BlobSource, type BlobSourceOptions } from '../../ingest/sources/blob/source.js';
import { AzureBlobWriter, type FlowLogStream } from '../harness/azure-blob-writer.js';
import { BatchCollector, countTuples, waitFor } from '../harness/batch-collector.js';
import { openTestDb } from '../harness/chdb.js';

const streams: FlowLogStream[] = [
  { kind: 'nsg', subscription: 'aaaa-1111', resourceGroup: 'rg-web', name: 'nsg-web' },
  { kind: 'nsg', subscription: 'aaaa-1111', resourceGroup: 'rg-db', name: 'nsg-db' },
  { kind: 'vnet', subscription: 'bbbb-2222', resourceGroup: 'rg-net', name: 'vnet-hub-flowlog' },
];
const macs = ['000D3AF87856', '7CED8D2684E5'];
const T0 = Date.UTC(2026, 10, 29, 9, 57, 30); // three minutes before an hour boundary

let az: AzuriteHandle;
let db: Awaited<ReturnType<typeof openTestDb>>;

beforeAll(async () => {
  [az, db] = await Promise.all([startAzurite(), openTestDb()]);
});
afterAll(async () => {
  await Promise.all([az?.stop(), db?.close()]);
});

function sourceOptions(clock: { now: number }, extra: Partial<BlobSourceOptions> = {}): BlobSourceOptions {
  return {
    name: 'blob-test',
    target: createBlobTarget({ method: 'connection-string', connectionString: az.connectionString }),
    containers: [...DEFAULT_CONTAINERS],
    prefixes: [],
    pollIntervalMs: 50,
    discoveryIntervalMs: 0,
    listPageSize: 2,
    maxRangeBytes: 1 << 20,
    concurrency: 4,
    db: db.client,
    metrics: createMetrics(),
    logger: silentLogger(),
    now: () => clock.now,
    ...extra,
  };
}

describe('blob source on Azurite', () => {
  it('reads each appended block once, across an hour boundary, NSG v2 and VNet', async () => {
    const writer = new AzureBlobWriter(BlobServiceClient.fromConnectionString(az.connectionString));
    await writer.ensureContainers();
    const clock = { now: T0 };
    const source = new BlobSource(sourceOptions(clock));
    const collector = new BatchCollector(source);
    const tuplesRead = () => collector.batches.reduce((n, b) => n + countTuples(b.body), 0);
    try {
      for (let minute = 0; minute < 6; minute++) {
        clock.now = T0 + minute * 60_000;
        for (const s of streams) for (const mac of macs) await writer.append(s, mac, clock.now);
        await waitFor(() => tuplesRead() === writer.totalTuples, 30_000, `minute ${minute} tuples`);
      }
    } finally {
      await collector.stop(source);
    }
    // No byte read twice: per blob, ranges are disjoint and contiguous from the head.
    const byBlob = new Map<string, Array<[number, number]>>();
    for (const b of collector.batches) {
      const blob = b.position.key.replace(/#.*$/, '');
      byBlob.set(blob, [...(byBlob.get(blob) ?? []), [b.position.start, b.position.end]]);
    }
    // 3 streams × 2 MACs × 2 hours (minutes 0–2 in hour 9, 3–5 in hour 10)
    expect(byBlob.size).toBe(12);
    for (const ranges of byBlob.values()) {
      ranges.sort((a, b) => a[0] - b[0]);
      expect(ranges[0]![0]).toBe(12);
      for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBe(ranges[i - 1]![1]);
    }
    expect(tuplesRead()).toBe(writer.totalTuples);
    expect(collector.batches.every((b) => b.meta?.blobName && b.body[0] === 0x7b)).toBe(true);
  });
});
