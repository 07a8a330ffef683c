import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { createServerCert, createTestCa } from './tls.js';

/**
 * A real single-node Apache Kafka 4.x broker (KRaft, `process.roles=broker,controller`) on
 * loopback, for tests and benchmarks. Jars come from Maven Central via test/services/kafka/pom.xml
 * (test/setup/50-kafka.mjs copies them to .cache/kafka/libs).
 *
 * Client listeners: PLAINTEXT, and SASL_PLAINTEXT with mechanism PLAIN whose only user is
 * `$ConnectionString` with an Event Hubs-style connection string as password — the credentials the
 * Event Hubs Kafka endpoint expects (the real endpoint is SASL_SSL on 9093) — plus
 * SCRAM-SHA-256/512 for {@link SCRAM_USER}. A SASL_SSL listener offers the same users over TLS, with a
 * certificate from a CA made at start (keys stay in the data directory): the Event Hubs endpoint's
 * protocol, on loopback.
 * @see https://kafka.apache.org/documentation/#quickstart_startserver
 * @see https://learn.microsoft.com/azure/event-hubs/azure-event-hubs-apache-kafka-overview
 */
export interface KafkaBroker {
  /** PLAINTEXT bootstrap, e.g. ['127.0.0.1:40123']. */
  brokers: string[];
  /** SASL_PLAINTEXT (PLAIN) bootstrap. */
  saslBrokers: string[];
  /** SASL_SSL bootstrap (PLAIN and SCRAM as on {@link saslBrokers}), certificate SAN 127.0.0.1/localhost. */
  sslBrokers: string[];
  /** PEM file of the CA that signed the SASL_SSL listener's certificate (clients' `caFile`). */
  caFile: string;
  /** The Event Hubs-style connection string accepted as password for user `$ConnectionString`. */
  eventHubsConnectionString: string;
  dataDir: string;
  pid(): number;
  createTopic(topic: string, partitions: number): Promise<void>;
  /** Stops the broker (SIGTERM, SIGKILL after a grace period). Idempotent. */
  stop(): Promise<void>;
  /** Starts it again on the same ports and data directory (after stop()). */
  restart(): Promise<void>;
  /** stop() and delete the data directory. */
  destroy(): Promise<void>;
}

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const KAFKA_LIBS = join(REPO, '.cache', 'kafka', 'libs');
export const EVENT_HUBS_USER = '$ConnectionString';
/** A SCRAM-SHA-256 and SCRAM-SHA-512 user on the same SASL listener. */
export const SCRAM_USER = 'flowlens';
export const SCRAM_PASSWORD = 'scram-test-secret';

export async function startKafka(options: { startupTimeoutMs?: number } = {}): Promise<KafkaBroker> {
  if (!existsSync(KAFKA_LIBS))
    throw new Error(`Kafka jars missing in ${KAFKA_LIBS}: run npm test once (test/setup)`);
  const dataDir = mkdtempSync(join(tmpdir(), 'flowlens-kafka-'));
  const [plain, controller, sasl, ssl] = await freePorts(4);
  const eventHubsConnectionString = `Endpoint=sb://flowlens-test.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${randomBytes(24).toString('base64')}`;
  writeFileSync(
    join(dataDir, 'server.properties'),
    serverProperties(dataDir, plain!, controller!, sasl!, ssl!, eventHubsConnectionString) +
      eventHubsProperties(eventHubsConnectionString, writeKeystore(dataDir)),
  );
  writeFileSync(join(dataDir, 'log4j2.properties'), LOG4J2);
  format(dataDir);
  const brokers = [`127.0.0.1:${plain}`];
  const timeoutMs = options.startupTimeoutMs ?? 90_000;
  let child = await launch(dataDir, brokers, timeoutMs);
  const handle: KafkaBroker = {
    brokers,
    saslBrokers: [`127.0.0.1:${sasl}`],
    sslBrokers: [`127.0.0.1:${ssl}`],
    caFile: join(dataDir, 'tls', 'ca.pem'),
    eventHubsConnectionString,
    dataDir,
    pid: () => child.pid ?? -1,
    createTopic: (topic, partitions) => createTopic(brokers, topic, partitions),
    stop: () => stopChild(child),
    restart: async () => {
      await stopChild(child);
      child = await launch(dataDir, brokers, timeoutMs);
    },
    destroy: async () => {
      await stopChild(child, 0); // the data is thrown away: no clean shutdown needed
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

function serverProperties(
  dir: string,
  plain: number,
  controller: number,
  sasl: number,
  ssl: number,
  password: string,
): string {
  return `process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:${controller}
listeners=PLAINTEXT://127.0.0.1:${plain},CONTROLLER://127.0.0.1:${controller},SASL_PLAINTEXT://127.0.0.1:${sasl},SASL_SSL://127.0.0.1:${ssl}
advertised.listeners=PLAINTEXT://127.0.0.1:${plain},SASL_PLAINTEXT://127.0.0.1:${sasl},SASL_SSL://127.0.0.1:${ssl}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${EVENT_HUBS_USER}="${password}";
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
log.dirs=${join(dir, 'data')}
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
`;
}

/** A CA and a server certificate under <dataDir>/tls; returns the PEM keystore (key + chain). */
function writeKeystore(dir: string): string {
  const tls = join(dir, 'tls');
  const server = createServerCert(tls, 'broker', createTestCa(tls, 'ca'));
  const keystore = join(tls, 'broker-keystore.pem');
  writeFileSync(keystore, readFileSync(server.keyFile, 'utf8') + readFileSync(server.chainFile, 'utf8'));
  return keystore;
}

/**
 * What makes the broker look like the Event Hubs Kafka endpoint, appended to server.properties:
 * the SASL_SSL listener's users and PEM keystore (KIP-651, Kafka ≥ 2.7; no client certificates),
 * and Event Hubs' 1024-byte cap on offset-commit metadata.
 * @see https://learn.microsoft.com/azure/event-hubs/apache-kafka-troubleshooting-guide#limits
 * @see https://cwiki.apache.org/confluence/display/KAFKA/KIP-651+-+Support+PEM+format+for+SSL+certificates+and+private+key
 */
function eventHubsProperties(password: string, keystore: string): string {
  const jaas = 'listener.name.sasl_ssl';
  // The Event Hubs endpoint's commit-metadata cap (Kafka's default is 4096): every test runs under it.
  return `offset.metadata.max.bytes=1024
${jaas}.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${EVENT_HUBS_USER}="${password}";
${jaas}.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
${jaas}.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
${jaas}.ssl.keystore.type=PEM
${jaas}.ssl.keystore.location=${keystore}
`;
}

// Kafka logs WARN and above to <dataDir>/broker.log (stdout of the JVM is redirected there).
const LOG4J2 = `status = error
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.stdout.ref = STDOUT
`;

function javaArgs(dir: string, main: string[]): string[] {
  return [
    '-Xms256m',
    '-Xmx512m',
    '-XX:+UseSerialGC',
    `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`,
    '-cp',
    `${KAFKA_LIBS}/*`,
    ...main,
  ];
}

/**
 * Kafka cluster ids are 16 random bytes in URL-safe base64 (what `StorageTool random-uuid` prints).
 * One starting with '-' reads as an option to StorageTool (1 start in 64 failed); Kafka's own
 * `Uuid.randomUuid()` draws again in that case, and so does this.
 */
function format(dir: string): void {
  let clusterId = randomBytes(16).toString('base64url');
  while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
  const props = join(dir, 'server.properties');
  const f = spawnSync(
    'java',
    javaArgs(dir, [
      'kafka.tools.StorageTool',
      'format',
      '--standalone',
      '-t',
      clusterId,
      '-c',
      props,
      // SCRAM credentials live in the KRaft metadata log; format can seed them.
      '--add-scram',
      `SCRAM-SHA-256=[name=${SCRAM_USER},password=${SCRAM_PASSWORD}]`,
      '--add-scram',
      `SCRAM-SHA-512=[name=${SCRAM_USER},password=${SCRAM_PASSWORD}]`,
    ]),
    { encoding: 'utf8' },
  );
  if (f.status !== 0) throw new Error(`StorageTool format failed: ${f.stdout}${f.stderr}`);
}

async function launch(dir: string, brokers: string[], timeoutMs: number): Promise<ChildProcess> {
  const log = openSync(join(dir, 'broker.log'), 'a');
  const child = spawn('java', javaArgs(dir, ['kafka.Kafka', join(dir, 'server.properties')]), {
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  try {
    await waitReady(child, brokers, timeoutMs);
  } catch (err) {
    await stopChild(child);
    const tail = readFileSync(join(dir, 'broker.log'), 'utf8').slice(-4000);
    throw new Error(`Kafka did not become ready: ${(err as Error).message}\n${tail}`);
  }
  return child;
}

/** Ready = an admin call (list topics) answers; the port alone opens before the broker serves. */
async function waitReady(child: ChildProcess, brokers: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`broker exited (${child.exitCode ?? child.signalCode})`);
    const admin = client(brokers, 0).admin();
    try {
      await admin.connect();
      const topics = await admin.listTopics();
      // After a restart the listener answers before partitions have leaders again.
      const meta = topics.length ? await admin.fetchTopicMetadata({ topics }) : { topics: [] };
      if (meta.topics.every((t) => t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      last = err;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timeout after ${timeoutMs} ms: ${String(last)}`);
}

/** A kafkajs client for tests; `retries: 0` for probes, kafkajs' own retries otherwise (leader moves after a restart). */
export function client(brokers: string[], retries = 5): Kafka {
  return new Kafka({
    clientId: 'flowlens-test-harness',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries },
    connectionTimeout: 3000,
  });
}

async function createTopic(brokers: string[], topic: string, partitions: number): Promise<void> {
  const admin = new Kafka({ clientId: 'flowlens-test-harness', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
  });
}

/** Ports the OS says are free now; the broker binds them a moment later (a tiny race, accepted in tests). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((ok, fail) => {
          const s = createServer();
          s.once('error', fail);
          s.listen(0, '127.0.0.1', () => ok(s));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const a = s.address();
    return typeof a === 'object' && a ? a.port : 0;
  });
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
