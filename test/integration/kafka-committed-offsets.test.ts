import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
