import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../core/azurite.js';
import { findRoots, forEachLimited } from '../../ingest/sources/blob/discovery.js';
import { HOUR_MS, startOfHour } from '../../ingest/sources/blob/paths.js';
import { scanShard, shardId } from '../../ingest/sources/blob/scan.js';
import { blobPath, type FlowLogStream } from '../harness/azure-blob-writer.js';

const NOW = Date.UTC(2026, 10, 29, 3, 20);
const ROOTS = 10;
const LIVE_MACS = 200; // × 2 live hours × 10 roots = 4,000 blobs in the polled hours
const OLD_HOURS = 10;
const OLD_MACS = 10; // × 10 old hours × 10 roots = 1,000 historical blobs
const PAGE = 40;

let az: AzuriteHandle;
let container: ContainerClient;
let small: ContainerClient;
const streams: FlowLogStream[] = Array.from({ length: ROOTS }, (_, i) => ({
  kind: 'nsg',
  subscription: 'cccc-3333',
  resourceGroup: `rg-${i % 3}`,
  name: `nsg-${i}`,
}));
const mac = (i: number) => i.toString(16).toUpperCase().padStart(12, '0');

beforeAll(async () => {
  az = await startAzurite();
  container = BlobServiceClient.fromConnectionString(az.connectionString).getContainerClient(
    'insights-logs-networksecuritygroupflowevent',
  );
  await container.create();
  // Azurite answers a hierarchical List Blobs in time proportional to every blob under the prefix,
  // so the walk is exercised on its own container with one blob per root (same tree shape).
  small = BlobServiceClient.fromConnectionString(az.connectionString).getContainerClient('walk');
  await small.create();
  for (const s of streams) await small.getBlockBlobClient(blobPath(s, mac(1), NOW)).upload('{}', 2);
  const names: string[] = [];
  const cur = startOfHour(NOW);
  for (const s of streams) {
    for (const h of [cur - HOUR_MS, cur])
      for (let m = 0; m < LIVE_MACS; m++) names.push(blobPath(s, mac(m), h));
    for (let k = 2; k < 2 + OLD_HOURS; k++)
      for (let m = 0; m < OLD_MACS; m++) names.push(blobPath(s, mac(m), cur - k * HOUR_MS));
  }
  // Listing only needs names: a small Put Blob each is enough (content is irrelevant here).
  await forEachLimited(names, 16, async (n) => {
    await container.getBlockBlobClient(n).upload('{"records":[]}', 14);
  });
}, 600_000);
afterAll(async () => {
  await az?.stop();
});

describe('blob discovery and listing at scale (5,000 blobs, small pages)', { timeout: 300_000 }, () => {
  it('finds every flow-log root with a hierarchical walk, paging through prefixes', async () => {
    let calls = 0;
    const roots = await findRoots(small, [''], { pageSize: 2, onListCall: () => calls++ });
    expect(roots).toHaveLength(ROOTS);
    expect(roots.every((r) => r.endsWith('/NETWORKSECURITYGROUPS/' + r.split('/').at(-2) + '/'))).toBe(true);
    // Pages of 2 over 10 NSGs under 3 resource groups force continuation tokens at several levels.
    expect(calls).toBeGreaterThan(ROOTS);
  });

  it('a poll lists only the live hours: cost is independent of historical blobs', async () => {
    const roots = await findRoots(small, [''], { pageSize: PAGE });
    let calls = 0;
    const opts = { pageSize: PAGE, onListCall: () => calls++ };
    const seen = new Set<string>();
    for (const root of roots) {
      const shard = { id: shardId('acct', 'c', root), container, root };
      for (const c of await scanShard(shard, { nowMs: NOW }, opts)) seen.add(c.blob.name);
    }
    expect(seen.size).toBe(ROOTS * 2 * LIVE_MACS);
    // 200 blobs per hour prefix / 40 per page = 5 pages; 10 roots × 2 hours.
    expect(calls).toBe(ROOTS * 2 * (LIVE_MACS / PAGE));
  });

  it('a backfill lists the older hours once, and a flat pass finds everything', async () => {
    const roots = await findRoots(small, [''], { pageSize: PAGE });
    let backfill = 0;
    let everything = 0;
    for (const root of roots) {
      const shard = { id: shardId('acct', 'c', root), container, root };
      const from = startOfHour(NOW) - (OLD_HOURS + 1) * HOUR_MS;
      backfill += (await scanShard(shard, { nowMs: NOW, backfillFromMs: from }, { pageSize: PAGE })).length;
      everything += (await scanShard(shard, { nowMs: NOW, everything: true }, { pageSize: PAGE })).length;
    }
    const total = ROOTS * (2 * LIVE_MACS + OLD_HOURS * OLD_MACS);
    expect(backfill).toBe(total);
    expect(everything).toBe(total);
  });
});
