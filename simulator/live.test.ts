import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../core/azurite.js';
import { LiveFeed } from './live.js';
import { CONTAINERS } from './records.js';

describe('LiveFeed against Azurite', () => {
  let az: AzuriteHandle;
  beforeAll(async () => {
    az = await startAzurite();
  });
  afterAll(async () => az?.stop());

  it('writes history then appends minute blocks before the tail, keeping every blob valid JSON', async () => {
    let now = Date.UTC(2026, 10, 2, 10, 30, 0);
    const feed = new LiveFeed({
      connectionString: az.connectionString,
      backfillHours: 1,
      catchUpMinutes: 3,
      catchUpTickMs: 1,
      incidentDelayMinutes: 0,
      now: () => now,
    });
    const stop = new AbortController();
    const running = feed.run(stop.signal);
    while (!feed.status.live) await new Promise((r) => setTimeout(r, 20));
    const afterBackfill = feed.status.tuples;
    while (feed.status.simulatedUntilMs < Date.UTC(2026, 10, 2, 10, 29, 0))
      await new Promise((r) => setTimeout(r, 20));
    now += 10 * 60_000;
    while (feed.status.simulatedUntilMs < Date.UTC(2026, 10, 2, 10, 31, 0))
      await new Promise((r) => setTimeout(r, 20));
    stop.abort();
    await running;
    expect(feed.status.tuples).toBeGreaterThan(afterBackfill);

    const svc = BlobServiceClient.fromConnectionString(az.connectionString);
    const container = svc.getContainerClient(CONTAINERS['nsg-v2']);
    let checked = 0;
    for await (const b of container.listBlobsFlat({ prefix: 'resourceId=/' })) {
      const blob = container.getBlockBlobClient(b.name);
      const list = await blob.getBlockList('committed');
      const sizes = list.committedBlocks!.map((x) => x.size);
      expect(sizes[0]).toBe(12);
      expect(sizes.at(-1)).toBe(2);
      const body = (await blob.downloadToBuffer()).toString();
      expect(() => JSON.parse(body)).not.toThrow();
      checked++;
    }
    expect(checked).toBeGreaterThan(3);
  });
});
