import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.js';
import type { Db } from '../../core/clickhouse/client.js';
import { normalize } from '../../ingest/normalizers/index.js';
import { KafkaSourceConfigSchema } from '../../ingest/sources/kafka/config.js';
import { resolveKafkaSecrets, toMessages } from '../../ingest/sources/kafka/index.js';
import { count, openTestDb, rows } from '../harness/chdb.js';
import { fixturesDir } from '../harness/fixtures.js';
import { client, type KafkaBroker, SCRAM_PASSWORD, SCRAM_USER, startKafka } from '../harness/kafka.js';
import {
  expectedRows,
  fixtureMessages,
  groupCaughtUp,
  produce,
  startKafkaPipeline,
  waitFor,
} from './kafka-helpers.js';

// Real Kafka 4.x broker, real kafkajs consumers, real normalizer, real ClickHouse sink on chDB.
describe('Kafka source → flows (real broker, real chDB)', () => {
  let broker: KafkaBroker;
  let db: Db;
  const flowsOf = (topic: string) => count(db, 'flows', `startsWith(source, 'kafka:${topic}/')`);
  beforeAll(async () => {
    [broker, db] = await Promise.all([startKafka(), openTestDb()]);
  });
  afterAll(async () => {
    await Promise.all([broker?.destroy(), db?.close()]);
  });

  it('two consumers in one group share the partitions; the total is exact', async () => {
    await broker.createTopic('shared', 4);
    const cfg = {
      type: 'kafka' as const,
      brokers: broker.brokers,
      topics: ['shared'],
      groupId: 'g-shared',
      range: { lingerMs: 200 },
    };
    const a = startKafkaPipeline(db, cfg);
    const b = startKafkaPipeline(db, cfg);
    await waitFor(
      'both consumers to hold partitions',
      () => a.source.stats().assigned === 2 && b.source.stats().assigned === 2,
    );
    const { messages, rows: perRound } = fixtureMessages();
    await produce(client(broker.brokers), 'shared', Array.from({ length: 8 }, () => messages).flat(), 20, 0);
    await waitFor('the group to commit everything', () =>
      groupCaughtUp(client(broker.brokers), 'g-shared', 'shared'),
    );
    const [ra, rb] = await Promise.all([a.stop(), b.stop()]);
    expect(ra.rows).toBeGreaterThan(0);
    expect(rb.rows).toBeGreaterThan(0);
    expect(await flowsOf('shared')).toBe(perRound * 8);
    const perPartition = await rows<{ p: string }>(
      db,
      `SELECT DISTINCT source AS p FROM flows WHERE startsWith(source, 'kafka:shared/') ORDER BY p`,
    );
    expect(perPartition.map((r) => r.p)).toEqual([
      'kafka:shared/0',
      'kafka:shared/1',
      'kafka:shared/2',
      'kafka:shared/3',
    ]);
  });

  it('rejects a poison message with topic/partition/offset and keeps its partition flowing', async () => {
    await broker.createTopic('poison', 1);
    const { messages } = fixtureMessages();
    const good = messages.slice(0, 3);
    const later = messages.slice(3, 6);
    const poison = [Buffer.from('{"records":[{"time":"2024-01-01T00:00:00Z", broken'), Buffer.from('')];
    await produce(client(broker.brokers), 'poison', [...good, ...poison, ...later], 1, 0);
    const p = startKafkaPipeline(db, {
      type: 'kafka',
      brokers: broker.brokers,
      topics: ['poison'],
      groupId: 'g-poison',
      range: { maxMessages: 4, lingerMs: 100 },
    });
    await waitFor('the group to commit everything', () =>
      groupCaughtUp(client(broker.brokers), 'g-poison', 'poison'),
    );
    await p.stop();
    expect(await flowsOf('poison')).toBe(expectedRows([...good, ...later]));
    const rejects = await rows<{ source: string; offset: string; reason: string; detail: string }>(
      db,
      `SELECT source, toString(offset) AS offset, reason, detail FROM rejects WHERE source = 'poison/0' ORDER BY offset`,
    );
    expect(rejects.map((r) => [r.source, r.offset, r.reason])).toEqual([
      ['poison/0', '3', 'invalid-json'],
      ['poison/0', '4', 'invalid-json'],
    ]);
    expect(rejects[0]?.detail).toMatch(/^poison\/0@3: /);
  });

  it('reads the Event Hubs Kafka endpoint settings ($ConnectionString over SASL PLAIN; TLS off in this test)', async () => {
    await broker.createTopic('insights-logs-flowlogflowevent', 2);
    const { messages, rows: expected } = fixtureMessages();
    await produce(client(broker.brokers), 'insights-logs-flowlogflowevent', messages, 10, 0);
    // The preset maps namespace → <ns>.servicebus.windows.net:9093 + SASL_SSL PLAIN; the test points
    // the same preset at the local SASL listener and turns TLS off (the broker here has no certificate).
    const cfg = {
      type: 'kafka' as const,
      topics: ['insights-logs-flowlogflowevent'],
      groupId: 'g-eh',
      eventHubs: { namespace: 'flowlens-test' },
      brokers: broker.saslBrokers,
      ssl: false,
      range: { lingerMs: 100 },
    };
    const env = { EVENTHUBS_CONNECTION_STRING: broker.eventHubsConnectionString };
    const p = startKafkaPipeline(db, cfg, resolveKafkaSecrets(KafkaSourceConfigSchema.parse(cfg), env));
    await waitFor('the group to commit everything', () =>
      groupCaughtUp(client(broker.brokers), 'g-eh', 'insights-logs-flowlogflowevent'),
    );
    await p.stop();
    expect(await flowsOf('insights-logs-flowlogflowevent')).toBe(expected);

    const wrong = startKafkaPipeline(
      db,
      { ...cfg, groupId: 'g-eh-wrong' },
      { connectionString: `${broker.eventHubsConnectionString}x` },
    );
    const result = await wrong.done;
    await wrong.stop();
    expect(result.error?.message).toMatch(/SASL PLAIN authentication failed/);
  });

  it('authenticates with SCRAM-SHA-512, the password taken from the named environment variable', async () => {
    await broker.createTopic('scram', 1);
    const { messages, rows: expected } = fixtureMessages();
    await produce(client(broker.brokers), 'scram', messages, 10, 0);
    const cfg = {
      type: 'kafka' as const,
      brokers: broker.saslBrokers,
      topics: ['scram'],
      groupId: 'g-scram',
      sasl: { mechanism: 'scram-sha-512' as const, username: SCRAM_USER, passwordEnv: 'TEST_KAFKA_PW' },
      range: { lingerMs: 100 },
    };
    const secrets = resolveKafkaSecrets(KafkaSourceConfigSchema.parse(cfg), {
      TEST_KAFKA_PW: SCRAM_PASSWORD,
    });
    const p = startKafkaPipeline(db, cfg, secrets);
    await waitFor('the group to commit everything', () =>
      groupCaughtUp(client(broker.brokers), 'g-scram', 'scram'),
    );
    await p.stop();
    expect(await flowsOf('scram')).toBe(expected);
  });

  it('`flowlens publish --kafka` sends files as connector-style messages that ingest to the same rows', async () => {
    await broker.createTopic('cli', 3);
    const file = join(fixturesDir(), 'sumologic_nsg-v2_PT1H_real.json');
    const dir = join(fixturesDir(), 'msdocs_vnet-flowlog-v4_sample.json');
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((c) => out.push(String(c)) > 0);
    const code = await main([
      'node',
      'flowlens',
      'publish',
      '--kafka',
      broker.brokers.join(','),
      '--topic',
      'cli',
      '--mode',
      'connector',
      file,
      dir,
    ]);
    write.mockRestore();
    expect(code).toBe(0);
    const messages = [
      ...toMessages(readFileSync(file), 'connector'),
      ...toMessages(readFileSync(dir), 'connector'),
    ];
    expect(out.join('')).toContain(`published ${messages.length} messages`);
    const p = startKafkaPipeline(db, {
      type: 'kafka',
      brokers: broker.brokers,
      topics: ['cli'],
      groupId: 'g-cli',
      range: { lingerMs: 100 },
    });
    await waitFor('the group to commit everything', () =>
      groupCaughtUp(client(broker.brokers), 'g-cli', 'cli'),
    );
    await p.stop();
    const whole =
      normalize(readFileSync(file), { source: 'x' }).columns.length +
      normalize(readFileSync(dir), { source: 'x' }).columns.length;
    expect(await flowsOf('cli')).toBe(whole);
  });

  it('resumes after the broker restarts mid-stream', async () => {
    await broker.createTopic('restart', 2);
    const { messages, rows: perRound } = fixtureMessages();
    const kafka = () => client(broker.brokers);
    const p = startKafkaPipeline(db, {
      type: 'kafka',
      brokers: broker.brokers,
      topics: ['restart'],
      groupId: 'g-restart',
      sessionTimeoutMs: 6000,
      range: { lingerMs: 100 },
    });
    await produce(kafka(), 'restart', [...messages, ...messages], 10, 0);
    await waitFor('some rows before the restart', async () => (await flowsOf('restart')) > 0);
    await broker.restart();
    await produce(kafka(), 'restart', [...messages, ...messages], 10, 0);
    await waitFor(
      'the group to commit everything',
      () => groupCaughtUp(kafka(), 'g-restart', 'restart'),
      120_000,
    );
    const r = await p.stop();
    expect(r.error).toBeUndefined();
    expect(await flowsOf('restart')).toBe(perRound * 4);
  }, 180_000);
});
