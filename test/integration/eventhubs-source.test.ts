import { EventHubProducerClient } from '@azure/event-hubs';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../core/azurite.js';
import type { Db } from '../../core/clickhouse/client.js';
import { publishFilesToEventHubs } from '../../ingest/sources/event-hubs/publish.js';
import { openTestDb, rows } from '../harness/chdb.js';
import { type ConsumerHandle, startConsumer } from '../harness/eventhubs-consumer.js';
import { connectorBody, waitUntil } from '../harness/eventhubs-messages.js';
import { type EventHubsTestDouble, startEventHubsTestDouble } from '../harness/eventhubs-server/server.js';
import { fixture } from '../harness/fixtures.js';
import { countTuples } from '../harness/flow-tuples.js';

// Real SDK consumer + real BlobCheckpointStore on Azurite + real chDB, against the Event Hubs
// test double (not an emulator). Each test uses its own hub, consumer group container and rows.
let db: Db & { dir: string };
let azurite: AzuriteHandle;
let double: EventHubsTestDouble;
let clock: number | undefined;
const RECORDS = 20;

beforeAll(async () => {
  [db, azurite, double] = await Promise.all([
    openTestDb(),
    startAzurite(),
    startEventHubsTestDouble({
      hubs: { exact: 4, shared: 4, latest: 2, bytime: 2, publish: 2 },
      now: () => clock ?? Date.now(),
    }),
  ]);
});
afterAll(async () => {
  await double?.stop();
  await azurite?.stop();
  await db?.close();
});

const consumer = (hub: string, container: string, config = {}): ConsumerHandle =>
  startConsumer({
    db,
    eventHubsConnectionString: double.connectionString(hub),
    storageConnectionString: azurite.connectionString,
    container,
    config,
  });

async function flowStats(hub: string): Promise<{ n: number; unique: number }> {
  const [r] = await rows<{ n: string; unique: string }>(
    db,
    'SELECT count() AS n, uniqExact(time, src_port) AS unique FROM flows WHERE source LIKE {p:String}',
    { p: `event-hubs:%/${hub}/%` },
  );
  return { n: Number(r?.n ?? 0), unique: Number(r?.unique ?? 0) };
}

/** Sends `perPartition` connector messages to every partition through the real producer. */
async function publish(
  hub: string,
  perPartition: number,
  firstId: number,
  partitions: string[],
): Promise<number> {
  const producer = new EventHubProducerClient(double.connectionString(hub));
  let id = firstId;
  try {
    for (const partitionId of partitions) {
      const batch = await producer.createBatch({ partitionId });
      for (let i = 0; i < perPartition; i += 1)
        batch.tryAdd({ body: Buffer.from(connectorBody(id++, RECORDS)) });
      await producer.sendBatch(batch);
    }
  } finally {
    await producer.close();
  }
  return id;
}

describe('Event Hubs source', () => {
  it('consumes every partition exactly once, rejects a poison message and keeps its partition flowing', async () => {
    const partitions = ['0', '1', '2', '3'];
    let next = await publish('exact', 30, 0, partitions);
    const poison = double.publish('1', '{"records":[{"nsgRuleName": broken', { hub: 'exact' });
    next = await publish('exact', 10, next, ['1']);
    const c = consumer('exact', 'cp-exact', { maxBatchEvents: 7 });
    try {
      await waitUntil('all rows', async () => (await flowStats('exact')).n >= next * RECORDS);
      await waitUntil('checkpoints', () => c.source.stats().checkpoints > 0);
    } finally {
      await c.stop();
    }
    expect(await flowStats('exact')).toEqual({ n: next * RECORDS, unique: next * RECORDS });
    const rejects = await rows<{ source: string; offset: string; detail: string }>(
      db,
      "SELECT source, offset, detail FROM rejects WHERE source_kind = 'event-hubs' AND source LIKE {p:String}",
      { p: '%/exact/%' },
    );
    expect(rejects).toHaveLength(1);
    expect(rejects[0]!.source).toMatch(/\/exact\/1$/);
    expect(Number(rejects[0]!.offset)).toBe(poison.sequenceNumber);
    expect(rejects[0]!.detail).toContain(`exact/1@${poison.sequenceNumber}`);
    // The checkpoint of partition 1 is past the poison message: consumption went on.
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      'cp-exact',
    );
    const checkpoints = new Map<string, number>();
    for await (const b of container.listBlobsFlat({ includeMetadata: true, prefix: '' })) {
      const m = /\/checkpoint\/(\d+)$/.exec(b.name);
      if (m) checkpoints.set(m[1]!, Number(b.metadata?.sequencenumber));
    }
    expect(checkpoints.get('1')).toBe(double.partitionProperties('1', 'exact').lastSequenceNumber);
    expect(checkpoints.get('0')).toBe(29);
  });

  it('shares partitions between two consumers in one group, and the total is exact', async () => {
    const partitions = ['0', '1', '2', '3'];
    let next = await publish('shared', 10, 0, partitions);
    const a = consumer('shared', 'cp-shared');
    let b: ConsumerHandle | undefined;
    try {
      await waitUntil('a owns every partition', () => a.source.stats().partitions.length === 4);
      next = await publish('shared', 10, next, partitions);
      b = consumer('shared', 'cp-shared');
      // Keep publishing while ownership moves: handovers replay the same ranges (deduplicated).
      for (let round = 0; round < 10; round += 1) next = await publish('shared', 5, next, partitions);
      await waitUntil(
        'a balanced split',
        () => a.source.stats().partitions.length === 2 && b!.source.stats().partitions.length === 2,
      );
      next = await publish('shared', 10, next, partitions);
      await waitUntil('all rows', async () => (await flowStats('shared')).n >= next * RECORDS);
      const owned = [...a.source.stats().partitions, ...b.source.stats().partitions].sort();
      expect(owned).toEqual(partitions);
    } finally {
      await Promise.all([a.stop(), b?.stop()]);
    }
    expect(await flowStats('shared')).toEqual({ n: next * RECORDS, unique: next * RECORDS });
  });

  it("starts new partitions at 'latest' when asked", async () => {
    await publish('latest', 3, 0, ['0', '1']);
    const c = consumer('latest', 'cp-latest', { startPosition: 'latest' });
    try {
      await waitUntil('receivers attached', () => c.source.stats().partitions.length === 2);
      await waitUntil('receivers attached', () => double.receiverCount() >= 2);
      await publish('latest', 2, 1000, ['0', '1']);
      await waitUntil('new rows', async () => (await flowStats('latest')).n >= 4 * RECORDS);
      await waitUntil('checkpoints', () => c.source.stats().checkpoints >= 2);
    } finally {
      await c.stop();
    }
    // Only the 4 messages published after the start, none of the 6 before.
    expect(await flowStats('latest')).toEqual({ n: 4 * RECORDS, unique: 4 * RECORDS });
  });

  it('starts new partitions at an enqueued time when asked', async () => {
    clock = Date.parse('2026-03-01T10:00:00Z');
    await publish('bytime', 3, 0, ['0', '1']);
    clock = Date.parse('2026-03-01T11:00:00Z');
    await publish('bytime', 2, 100, ['0', '1']);
    clock = undefined;
    const c = consumer('bytime', 'cp-bytime', { startPosition: '2026-03-01T10:30:00Z' });
    try {
      await waitUntil('rows after 10:30', async () => (await flowStats('bytime')).n >= 4 * RECORDS);
      await waitUntil('checkpoints', () => c.source.stats().checkpoints >= 2);
    } finally {
      await c.stop();
    }
    expect(await flowStats('bytime')).toEqual({ n: 4 * RECORDS, unique: 4 * RECORDS });
  });

  it('ingests what publishFilesToEventHubs sent: a whole PT1H blob and connector-style messages', async () => {
    const name = 'sumologic_nsg-v2_PT1H_real.json';
    const content = fixture(name);
    const tuples = countTuples(content.toString('utf8'));
    const producer = new EventHubProducerClient(double.connectionString('publish'));
    try {
      const whole = await publishFilesToEventHubs(producer, [{ name, content }], {
        mode: 'file',
        partitionId: '0',
      });
      const flat = await publishFilesToEventHubs(producer, [{ name, content }], {
        mode: 'connector',
        partitionId: '1',
      });
      expect(whole.messages).toBe(1);
      expect(flat.messages).toBeGreaterThan(1);
    } finally {
      await producer.close();
    }
    const c = consumer('publish', 'cp-publish');
    try {
      await waitUntil('both copies', async () => (await flowStats('publish')).n >= 2 * tuples);
      await waitUntil('checkpoints', () => c.source.stats().checkpoints >= 2);
    } finally {
      await c.stop();
    }
    const [r] = await rows<{ n: string }>(
      db,
      'SELECT count() AS n FROM flows WHERE source LIKE {p:String} GROUP BY source ORDER BY source',
      { p: 'event-hubs:%/publish/%' },
    );
    expect(Number(r?.n)).toBe(tuples);
    expect((await flowStats('publish')).n).toBe(2 * tuples);
  });
});
