import { connect } from 'node:net';
import {
  EventHubConsumerClient,
  EventHubProducerClient,
  type EventPosition,
  earliestEventPosition,
  latestEventPosition,
  type ReceivedEventData,
} from '@azure/event-hubs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSelectorFilter } from './filter.js';
import { type EventHubsTestDouble, startEventHubsTestDouble } from './server.js';

// The real @azure/event-hubs SDK against the Event Hubs test double (not an emulator).
let double: EventHubsTestDouble;
let clock = Date.parse('2026-01-01T00:00:00Z');

beforeAll(async () => {
  double = await startEventHubsTestDouble({ hubs: { flowlogs: 3 }, now: () => clock });
});
afterAll(async () => {
  await double.stop();
});

async function receive(
  partition: string,
  position: EventPosition,
  count: number,
): Promise<ReceivedEventData[]> {
  const client = new EventHubConsumerClient('$Default', double.connectionString());
  const got: ReceivedEventData[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const sub = client.subscribe(
        partition,
        {
          processEvents: async (events) => {
            got.push(...events);
            if (got.length >= count) void sub.close().then(resolve, reject);
          },
          processError: async (err) => reject(err),
        },
        { startPosition: position, maxWaitTimeInSeconds: 1, skipParsingBodyAsJson: true },
      );
    });
  } finally {
    await client.close();
  }
  return got;
}

describe('selector filter parsing', () => {
  it('reads the SDK filter forms', () => {
    expect(parseSelectorFilter("amqp.annotation.x-opt-offset > '-1'")).toEqual({
      kind: 'offset',
      value: -1,
      inclusive: false,
    });
    expect(parseSelectorFilter("amqp.annotation.x-opt-offset > '@latest'")).toEqual({ kind: 'latest' });
    expect(parseSelectorFilter("amqp.annotation.x-opt-sequence-number >= '7'")).toEqual({
      kind: 'sequence',
      value: 7,
      inclusive: true,
    });
    expect(parseSelectorFilter("amqp.annotation.x-opt-enqueued-time > '1700000000000'")).toEqual({
      kind: 'enqueued',
      valueMs: 1_700_000_000_000,
      inclusive: false,
    });
    expect(parseSelectorFilter('amqp.annotation.x-opt-foo = 1')).toBeUndefined();
  });
});

describe('Event Hubs test double with the real SDK', () => {
  it('serves hub and partition properties, and stores producer batches in order', async () => {
    const producer = new EventHubProducerClient(double.connectionString());
    try {
      const hub = await producer.getEventHubProperties();
      expect(hub.name).toBe('flowlogs');
      expect(hub.partitionIds).toEqual(['0', '1', '2']);
      const empty = await producer.getPartitionProperties('0');
      expect(empty.isEmpty).toBe(true);
      expect(empty.lastEnqueuedSequenceNumber).toBe(-1);
      const batch = await producer.createBatch({ partitionId: '0' });
      for (let i = 0; i < 5; i += 1) expect(batch.tryAdd({ body: Buffer.from(`event-${i}`) })).toBe(true);
      await producer.sendBatch(batch);
      const p0 = await producer.getPartitionProperties('0');
      expect(p0.isEmpty).toBe(false);
      expect(p0.lastEnqueuedSequenceNumber).toBe(4);
      expect(p0.lastEnqueuedOnUtc.getTime()).toBe(clock);
    } finally {
      await producer.close();
    }
    const events = await receive('0', earliestEventPosition, 5);
    expect(events.map((e) => Buffer.from(e.body as Buffer).toString())).toEqual([
      'event-0',
      'event-1',
      'event-2',
      'event-3',
      'event-4',
    ]);
    expect(events.map((e) => e.sequenceNumber)).toEqual([0, 1, 2, 3, 4]);
    expect(Number(events[1]!.offset)).toBeGreaterThan(Number(events[0]!.offset));
  });

  it('honours offset, sequence-number, enqueued-time and latest start positions', async () => {
    const first = double.publish('1', 'a');
    double.publish('1', 'b');
    clock += 60_000;
    double.publish('1', 'c');
    const afterOffset = await receive('1', { offset: String(first.offset) }, 2);
    expect(afterOffset.map((e) => e.sequenceNumber)).toEqual([1, 2]);
    const inclusive = await receive('1', { sequenceNumber: 1, isInclusive: true }, 2);
    expect(inclusive.map((e) => e.sequenceNumber)).toEqual([1, 2]);
    const byTime = await receive('1', { enqueuedOn: new Date(clock - 1) }, 1);
    expect(byTime.map((e) => e.sequenceNumber)).toEqual([2]);
    const latest = receive('1', latestEventPosition, 1);
    // Publish only once the latest-position receiver is attached, so it must skip a, b, c.
    while (double.receiverCount() === 0) await new Promise((r) => setTimeout(r, 20));
    double.publish('1', 'd', { partitionKey: 'pk' });
    const [d] = await latest;
    expect(Buffer.from(d!.body as Buffer).toString()).toBe('d');
    expect(d!.sequenceNumber).toBe(3);
    expect(d!.partitionKey).toBe('pk');
  });

  it('routes by partition key consistently and round-robins without one', async () => {
    const producer = new EventHubProducerClient(double.connectionString());
    try {
      await producer.sendBatch([{ body: 'k1' }, { body: 'k2' }], { partitionKey: 'nsg-a' });
      const before = ['0', '1', '2'].map((p) => double.partitionProperties(p).lastSequenceNumber);
      await producer.sendBatch([{ body: 'k3' }], { partitionKey: 'nsg-a' });
      const after = ['0', '1', '2'].map((p) => double.partitionProperties(p).lastSequenceNumber);
      expect(after.reduce((a, b) => a + b) - before.reduce((a, b) => a + b)).toBe(1);
    } finally {
      await producer.close();
    }
  });

  it('stops cleanly (idempotent) and refuses connections afterwards', async () => {
    const other = await startEventHubsTestDouble({ hubs: { h: 1 } });
    const producer = new EventHubProducerClient(other.connectionString());
    expect((await producer.getEventHubProperties()).partitionIds).toEqual(['0']);
    await producer.close();
    // A connection still open must not hold up stop(): the double drops it.
    const idle = connect(other.port, '127.0.0.1');
    await new Promise((resolve) => idle.once('connect', resolve));
    await other.stop();
    await other.stop();
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(other.port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});
