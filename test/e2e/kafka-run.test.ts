import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../core/clickhouse/client.js';
import { normalize } from '../../ingest/normalizers/index.js';
import { count } from '../harness/chdb.js';
import { REPO_ROOT, runCli } from '../harness/cli.js';
import { fixture, fixturesDir } from '../harness/fixtures.js';
import { client, freePorts, type KafkaBroker, startKafka } from '../harness/kafka.js';
import { groupCaughtUp, waitFor } from '../integration/kafka-helpers.js';

// The user's path: `flowlens publish` puts flow-log files on a topic over SASL with Event Hubs-style
// credentials, and `flowlens run --roles ingest` with a `type: kafka` source (eventHubs preset, TLS
// off because the test broker has no certificate) reads them into the database.
describe('flowlens publish + flowlens run with a Kafka source (real broker, real CLI)', () => {
  let broker: KafkaBroker;
  let dir: string;
  beforeAll(async () => {
    broker = await startKafka();
    dir = mkdtempSync(join(tmpdir(), 'flowlens-kafka-e2e-'));
  });
  afterAll(async () => {
    await broker?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ingests what was published, exactly, and stops cleanly on SIGTERM', async () => {
    const topic = 'insights-logs-networksecuritygroupflowevent';
    await broker.createTopic(topic, 2);
    const env = { EVENTHUBS_CONNECTION_STRING: broker.eventHubsConnectionString };
    const files = ['sumologic_nsg-v2_PT1H_real.json', 'sumologic_vnet-v4_PT1H_target-subnet_real.json'];
    const pub = await runCli(
      [
        'publish',
        '--kafka',
        broker.saslBrokers.join(','),
        '--event-hubs-namespace',
        'flowlens-test',
        '--no-ssl',
        '--topic',
        topic,
        '--mode',
        'record',
        ...files.map((f) => join(fixturesDir(), f)),
      ],
      { env },
    );
    expect(pub.stderr).toBe('');
    expect(pub.code).toBe(0);
    const config = join(dir, 'flowlens.json');
    const source = {
      type: 'kafka',
      topics: [topic],
      groupId: 'flowlens-e2e',
      eventHubs: { namespace: 'flowlens-test' },
      brokers: broker.saslBrokers,
      ssl: false,
    };
    // Retention off: the fixtures are from 2018–2024 and would fall outside the default TTL at once.
    const retention = { rawDays: 0, minuteDays: 0, hourDays: 0 };
    writeFileSync(config, JSON.stringify({ database: { retention }, sources: [source] }));
    const [statusPort] = await freePorts(1);
    const db = join(dir, 'db');
    const run = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(REPO_ROOT, 'cli', 'main.ts'),
        '--db',
        db,
        '--config',
        config,
        '--log-level',
        'warn',
        'run',
        '--roles',
        'ingest',
        '--status-port',
        String(statusPort),
      ],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    run.stderr?.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-4000);
    });
    const exited = new Promise<number | null>((r) => run.once('exit', (code) => r(code)));
    const caughtUp = waitFor(
      'the group to commit everything',
      () => groupCaughtUp(client(broker.brokers), 'flowlens-e2e', topic),
      90_000,
    ).then(
      () => undefined,
      (err: Error) => err,
    );
    const failure = await caughtUp;
    run.kill('SIGTERM');
    if (failure) throw new Error(`${failure.message}\nflowlens run stderr:\n${stderr}`);
    expect(await exited, stderr).toBe(0);
    const expected = files.reduce((n, f) => n + normalize(fixture(f), { source: 'x' }).columns.length, 0);
    const opened = openDb({ kind: 'embedded', path: db });
    try {
      expect(await count(opened, 'flows', `startsWith(source, 'kafka:${topic}/')`)).toBe(expected);
    } finally {
      await opened.close();
    }
  }, 240_000);
});
