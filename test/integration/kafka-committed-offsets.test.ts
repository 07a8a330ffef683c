import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommitConfirmations, type CommitEventPayload } from '../../ingest/sources/kafka/commit-confirm.js';
import { CommittedOffsets } from '../../ingest/sources/kafka/committed-offsets.js';
import { type KafkaBroker, startKafka } from '../harness/kafka.js';

// Real Kafka 4.x broker: the committed offsets + metadata a partition's work starts from.
describe('CommittedOffsets (real broker)', () => {
  let broker: KafkaBroker;
  beforeAll(async () => {
    broker = await startKafka();
  });
  afterAll(async () => {
    await broker?.destroy();
  });

  it('reads every partition of a generation in one go, and looks one up alone before any generation', async () => {
    await broker.createTopic('offsets', 3);
    const kafka = new Kafka({ clientId: 't', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.setOffsets({ groupId: 'g', topic: 'offsets', partitions: [{ partition: 1, offset: '0' }] });
      const offsets = new CommittedOffsets(() => admin, 'g', ['offsets']);
      offsets.warmUp();
      // Before any generation: the per-partition lookup.
      expect(await offsets.get('offsets', 1)).toEqual({ offset: 0, metadata: null });
      offsets.startGeneration();
      expect(await offsets.get('offsets', 0)).toEqual({ offset: -1, metadata: null });
      expect(await offsets.get('offsets', 1)).toEqual({ offset: 0, metadata: null });
      expect(await offsets.get('offsets', 2)).toEqual({ offset: -1, metadata: null });
    } finally {
      await admin.disconnect();
    }
  });

  it('reads a snapshot per generation: a new generation sees offsets committed since the last one', async () => {
    await broker.createTopic('gen', 2);
    const kafka = new Kafka({ clientId: 't', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = new CommittedOffsets(() => admin, 'g2', ['gen']);
      offsets.warmUp();
      offsets.startGeneration();
      expect(await offsets.get('gen', 0)).toEqual({ offset: -1, metadata: null });
      await admin.setOffsets({ groupId: 'g2', topic: 'gen', partitions: [{ partition: 0, offset: '0' }] });
      // The old generation's read is a snapshot; the next generation reads again.
      expect((await offsets.get('gen', 0)).offset).toBe(-1);
      offsets.startGeneration();
      expect(await offsets.get('gen', 0)).toEqual({ offset: 0, metadata: null });
      expect(await offsets.get('gen', 1)).toEqual({ offset: -1, metadata: null });
    } finally {
      await admin.disconnect();
    }
  });

  it('a commit kafkajs resolves without sending (its runner stopping, as in a crash) is not confirmed', async () => {
    await broker.createTopic('confirm', 1);
    const kafka = new Kafka({ clientId: 't', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    const consumer = kafka.consumer({ groupId: 'g-confirm', sessionTimeout: 6000 });
    const confirmations = new CommitConfirmations();
    consumer.on(consumer.events.COMMIT_OFFSETS, (e) =>
      confirmations.onCommitted(e.payload as CommitEventPayload),
    );
    const joined = new Promise<void>((r) => consumer.on(consumer.events.GROUP_JOIN, () => r()));
    await Promise.all([admin.connect(), consumer.connect()]);
    const stored = async () =>
      (await admin.fetchOffsets({ groupId: 'g-confirm', topics: ['confirm'] }))[0]?.partitions[0];
    try {
      await consumer.subscribe({ topics: ['confirm'] });
      await consumer.run({ autoCommit: false, eachBatch: async () => {} });
      await joined;
      const commit = async (offset: number, metadata: string) => {
        const confirmed = confirmations.expect('confirm', 0, { offset, metadata });
        await consumer.commitOffsets([{ topic: 'confirm', partition: 0, offset: String(offset), metadata }]);
        return confirmed();
      };
      expect(await commit(0, 'flowlens:v1:pending=5')).toBe(true);
      expect(await stored()).toMatchObject({ offset: '0', metadata: 'flowlens:v1:pending=5' });
      // What a crash does first: the runner stops (then kafkajs disconnects, then emits CRASH).
      const stopping = consumer.stop();
      expect(await commit(0, 'flowlens:v1:pending=5,9')).toBe(false);
      await stopping;
      expect(await stored()).toMatchObject({ offset: '0', metadata: 'flowlens:v1:pending=5' });
    } finally {
      await Promise.all([consumer.disconnect(), admin.disconnect()]);
    }
  });
});
