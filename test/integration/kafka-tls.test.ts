import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../core/clickhouse/client.js';
import { PermanentError } from '../../core/errors.js';
import { type KafkaSourceConfigInput, KafkaSourceConfigSchema } from '../../ingest/sources/kafka/config.js';
import { resolveKafkaSecrets } from '../../ingest/sources/kafka/index.js';
import { count, openTestDb } from '../harness/chdb.js';
import { client, type KafkaBroker, SCRAM_PASSWORD, SCRAM_USER, startKafka } from '../harness/kafka.js';
import { createTestCa } from '../harness/tls.js';
import { fixtureMessages, groupCaughtUp, produce, startKafkaPipeline, waitFor } from './kafka-helpers.js';

// Real Kafka 4.x broker with a SASL_SSL listener (certificate from a CA made at broker start), real
// kafkajs over TLS, real normalizer and ClickHouse sink on chDB. The Event Hubs Kafka endpoint is
// SASL_SSL + PLAIN with user $ConnectionString; only its host name differs from what runs here.
describe('Kafka source over SASL_SSL (real broker with TLS, real chDB)', () => {
  let broker: KafkaBroker;
  let db: Db;
  let scratch: string;
  const topic = 'insights-logs-flowlogflowevent';
  const flowsOf = (t: string) => count(db, 'flows', `startsWith(source, 'kafka:${t}/')`);
  /** The production `eventHubs` preset, pointed at the local SASL_SSL listener. */
  const eventHubs = (over: Partial<KafkaSourceConfigInput>): KafkaSourceConfigInput => ({
    type: 'kafka',
    topics: [topic],
    eventHubs: { namespace: 'flowlens-test' },
    brokers: broker.sslBrokers,
    range: { lingerMs: 100 },
    ...over,
  });
  const secretsFor = (cfg: KafkaSourceConfigInput, connectionString = broker.eventHubsConnectionString) =>
    resolveKafkaSecrets(KafkaSourceConfigSchema.parse(cfg), {
      EVENTHUBS_CONNECTION_STRING: connectionString,
    });
  /** Runs a pipeline that must fail at start, and returns its error. */
  const failure = async (cfg: KafkaSourceConfigInput, connectionString?: string) => {
    const p = startKafkaPipeline(db, cfg, secretsFor(cfg, connectionString));
    const result = await p.done;
    await p.stop();
    return result.error;
  };

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'flowlens-kafka-tls-'));
    [broker, db] = await Promise.all([startKafka(), openTestDb()]);
    await broker.createTopic(topic, 2);
  });
  afterAll(async () => {
    await Promise.all([broker?.destroy(), db?.close()]);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('the eventHubs preset with ssl.caFile ingests end to end and commits over SASL_SSL PLAIN', async () => {
    const { messages, rows: expected } = fixtureMessages();
    await produce(client(broker.brokers), topic, messages, 10, 0);
    const cfg = eventHubs({ groupId: 'g-tls', ssl: { caFile: broker.caFile } });
    const p = startKafkaPipeline(db, cfg, secretsFor(cfg));
    await waitFor('the group to commit everything', () =>
      groupCaughtUp(client(broker.brokers), 'g-tls', topic),
    );
    // The source read one commit back: the broker (capped at Event Hubs' 1024 bytes) kept the pending-range list.
    await waitFor('the commit-metadata check', () => p.source.stats().commitMetadata !== 'unknown');
    expect(p.source.stats().commitMetadata).toBe('stored');
    const result = await p.stop();
    expect(result.error).toBeUndefined();
    expect(await flowsOf(topic)).toBe(expected);
  });

  it('SCRAM-SHA-256 over SASL_SSL with ssl.caFile', async () => {
    await broker.createTopic('scram-tls', 1);
    const { messages, rows: expected } = fixtureMessages();
    await produce(client(broker.brokers), 'scram-tls', messages, 10, 0);
    const cfg: KafkaSourceConfigInput = {
      type: 'kafka',
      brokers: broker.sslBrokers,
      topics: ['scram-tls'],
      groupId: 'g-scram-tls',
      ssl: { caFile: broker.caFile },
      sasl: { mechanism: 'scram-sha-256', username: SCRAM_USER, passwordEnv: 'TEST_PW' },
      range: { lingerMs: 100 },
    };
    const secrets = resolveKafkaSecrets(KafkaSourceConfigSchema.parse(cfg), { TEST_PW: SCRAM_PASSWORD });
    const p = startKafkaPipeline(db, cfg, secrets);
    await waitFor('the group to commit everything', () =>
      groupCaughtUp(client(broker.brokers), 'g-scram-tls', 'scram-tls'),
    );
    await p.stop();
    expect(await flowsOf('scram-tls')).toBe(expected);
  });

  it('without the CA (system trust store) it fails at once with a TLS certificate error', async () => {
    const err = await failure(eventHubs({ groupId: 'g-no-ca' })); // preset: ssl on, rejectUnauthorized
    expect(err).toBeInstanceOf(PermanentError);
    expect(err?.message).toMatch(/TLS handshake failed/);
    expect(err?.message).toContain(broker.sslBrokers[0]);
    expect(err?.message).toMatch(/certificate not accepted \(SELF_SIGNED_CERT_IN_CHAIN/);
    expect(err?.message).toMatch(/ssl\.caFile/);
  });

  it('with a CA that did not sign the broker certificate it fails with a TLS certificate error', async () => {
    const other = createTestCa(scratch, 'other-ca');
    const err = await failure(eventHubs({ groupId: 'g-wrong-ca', ssl: { caFile: other.certFile } }));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err?.message).toMatch(/TLS handshake failed .*certificate not accepted/);
  });

  it('a wrong connection string over SASL_SSL is a classified authentication error', async () => {
    const cfg = eventHubs({ groupId: 'g-bad-pw', ssl: { caFile: broker.caFile } });
    const err = await failure(cfg, `${broker.eventHubsConnectionString}x`);
    expect(err).toBeInstanceOf(PermanentError);
    expect(err?.message).toMatch(
      /authentication refused by 127\.0\.0\.1:\d+ \(user \$ConnectionString, .*EVENTHUBS_CONNECTION_STRING\)/,
    );
    expect(err?.message).toMatch(/SASL PLAIN authentication failed/);
    expect(err?.message).not.toContain(broker.eventHubsConnectionString); // no secret in logs
  });
});
