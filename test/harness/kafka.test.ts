import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_HUBS_USER, type KafkaBroker, SCRAM_PASSWORD, SCRAM_USER, startKafka } from './kafka.js';

// Also the proof that kafkajs 2.2.4 speaks to a Kafka 4.x broker (4.0 removed old protocol versions).
describe('Kafka broker harness (real Kafka 4.x, KRaft)', () => {
  let broker: KafkaBroker;
  beforeAll(async () => {
    broker = await startKafka();
  });
  afterAll(async () => {
    await broker?.destroy();
  });

  it('produces and consumes with kafkajs, and keeps data across a restart', async () => {
    await broker.createTopic('harness', 2);
    const kafka = new Kafka({ clientId: 't', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'harness', messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    await producer.disconnect();
    const pidBefore = broker.pid();
    await broker.restart();
    expect(broker.pid()).not.toBe(pidBefore);
    expect(() => process.kill(pidBefore, 0)).toThrow();
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('harness');
    await admin.disconnect();
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(3);
  });

  it('accepts $ConnectionString + connection string on the SASL PLAIN listener, refuses a wrong one', async () => {
    const ok = new Kafka({
      clientId: 't',
      brokers: broker.saslBrokers,
      logLevel: logLevel.NOTHING,
      sasl: { mechanism: 'plain', username: EVENT_HUBS_USER, password: broker.eventHubsConnectionString },
    }).admin();
    await ok.connect();
    expect(await ok.listTopics()).toContain('harness');
    await ok.disconnect();
    const bad = new Kafka({
      clientId: 't',
      brokers: broker.saslBrokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      sasl: {
        mechanism: 'plain',
        username: EVENT_HUBS_USER,
        password: `${broker.eventHubsConnectionString}x`,
      },
    }).admin();
    await expect(bad.connect()).rejects.toThrow(/SASL PLAIN authentication failed/);
  });

  it('accepts SCRAM-SHA-256 on the same listener', async () => {
    const admin = new Kafka({
      clientId: 't',
      brokers: broker.saslBrokers,
      logLevel: logLevel.NOTHING,
      sasl: { mechanism: 'scram-sha-256', username: SCRAM_USER, password: SCRAM_PASSWORD },
    }).admin();
    await admin.connect();
    expect(await admin.listTopics()).toContain('harness');
    await admin.disconnect();
  });

  it('serves SASL_SSL with a certificate for 127.0.0.1 signed by the CA in caFile', async () => {
    const sasl = {
      mechanism: 'plain' as const,
      username: EVENT_HUBS_USER,
      password: broker.eventHubsConnectionString,
    };
    const admin = new Kafka({
      clientId: 't',
      brokers: broker.sslBrokers,
      logLevel: logLevel.NOTHING,
      ssl: { ca: [readFileSync(broker.caFile, 'utf8')] },
      sasl,
    }).admin();
    await admin.connect();
    expect(await admin.listTopics()).toContain('harness');
    await admin.disconnect();
    const untrusted = new Kafka({
      clientId: 't',
      brokers: broker.sslBrokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      ssl: true,
      sasl,
    }).admin();
    await expect(untrusted.connect()).rejects.toThrow(/self-signed certificate in certificate chain/);
  });

  it('caps offset-commit metadata at 1024 bytes, like the Event Hubs endpoint', async () => {
    await broker.createTopic('metadata-cap', 1);
    const kafka = new Kafka({ clientId: 't', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'g-metadata-cap' });
    const admin = kafka.admin();
    await Promise.all([consumer.connect(), admin.connect()]);
    await consumer.subscribe({ topics: ['metadata-cap'], fromBeginning: true });
    const joined = new Promise((r) => consumer.on(consumer.events.GROUP_JOIN, r));
    await consumer.run({ autoCommit: false, eachMessage: async () => undefined });
    await joined;
    const commit = (metadata: string) =>
      consumer.commitOffsets([{ topic: 'metadata-cap', partition: 0, offset: '0', metadata }]);
    const stored = async () =>
      (await admin.fetchOffsets({ groupId: 'g-metadata-cap', topics: ['metadata-cap'] }))[0]?.partitions[0]
        ?.metadata;
    try {
      // kafkajs' commitOffsets returns without sending while its runner restarts, so try a few times.
      const fits = 'm'.repeat(1024);
      // kafkajs drops commits silently while its consumer (re)joins: retry for a while, not 20× at once.
      const pause = () => new Promise((r) => setTimeout(r, 250));
      for (let i = 0; i < 40 && (await stored()) !== fits; i++) await commit(fits).then(pause);
      expect(await stored()).toBe(fits);
      let refused: unknown;
      for (let i = 0; i < 40 && !refused; i++)
        refused = await commit('n'.repeat(1025)).then(
          () => pause().then(() => undefined),
          (e: unknown) => e,
        );
      expect(String(refused)).toMatch(/metadata field of the offset request was too large/);
      expect(await stored()).toBe(fits);
    } finally {
      await Promise.all([consumer.disconnect(), admin.disconnect()]);
    }
  });
});
