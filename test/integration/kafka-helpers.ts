import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Kafka } from 'kafkajs';
import type { Db } from '../../core/clickhouse/client.js';
import { normalize } from '../../ingest/normalizers/index.js';
import { type PipelineResult, runPipeline } from '../../ingest/pipeline.js';
import { createClickHouseSink } from '../../ingest/sinks/clickhouse/sink.js';
import { type KafkaSourceConfigInput, KafkaSourceConfigSchema } from '../../ingest/sources/kafka/config.js';
import { createKafkaSource, type KafkaSecrets, withKafkaFrames } from '../../ingest/sources/kafka/index.js';
import { toMessages } from '../../ingest/sources/kafka/messages.js';
import { fixture } from '../harness/fixtures.js';

/** Real flow-log messages in all three shapes, and the rows the real normalizer makes of them. */
export function fixtureMessages(): { messages: Buffer[]; rows: number } {
  const messages = [
    ...toMessages(fixture('sumologic_nsg-v2_PT1H_real.json'), 'record'),
    ...toMessages(fixture('sumologic_vnet-v4_PT1H_target-nic_real.json'), 'record'),
    ...toMessages(fixture('sumologic_nsg-v2_PT1H_real.json'), 'connector'),
    ...toMessages(fixture('msdocs_nsg-flowlog-v2_sample.json'), 'file'),
  ];
  return { messages, rows: expectedRows(messages) };
}

export function expectedRows(messages: Buffer[]): number {
  return messages.reduce((n, m) => n + normalize(m, { source: 'expected' }).columns.length, 0);
}

/** True once the group committed up to the end of every partition with nothing recorded as pending. */
export async function groupCaughtUp(kafka: Kafka, groupId: string, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return ends.every((e) => {
      const c = committed?.partitions.find((p) => p.partition === e.partition);
      return c !== undefined && (Number(e.high) === 0 || Number(c.offset) === Number(e.high)) && !c.metadata;
    });
  } catch {
    return false; // e.g. the group coordinator is not up yet (__consumer_offsets is created lazily)
  } finally {
    await admin.disconnect();
  }
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface ConsumerChild {
  child: ChildProcess;
  /** Resolves once the child installed its SIGTERM handler (before that, SIGTERM kills it outright). */
  ready: Promise<void>;
  /** Resolves with the first stats line (the consumer wrote and acked a range). */
  firstBatch: Promise<Record<string, number>>;
  last(): Record<string, number> | undefined;
  exited: Promise<number | null>;
}

/** Starts test/integration/kafka-consumer.child.ts under tsx. */
export function spawnConsumer(args: string[]): ConsumerChild {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/integration/kafka-consumer.child.ts', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let last: Record<string, number> | undefined;
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    void exited.then((code) => reject(new Error(`consumer exited (${code}) before it was ready: ${stderr}`)));
  });
  const firstBatch = new Promise<Record<string, number>>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const parsed = JSON.parse(line) as Record<string, number>;
      if (parsed.ready) return markReady();
      last = parsed;
      resolve(last);
    });
    void exited.then((code) => reject(new Error(`consumer exited (${code}) before a batch: ${stderr}`)));
  });
  ready.catch(() => undefined);
  firstBatch.catch(() => undefined);
  return { child, ready, firstBatch, last: () => last, exited };
}

/** Publishes `messages` once, `perSend` per request, pausing `pauseMs` between requests. */
export function produce(
  kafka: Kafka,
  topic: string,
  messages: Buffer[],
  perSend: number,
  pauseMs: number,
): Promise<number> {
  return produceRounds(kafka, topic, messages, { perSend, pauseMs, stop: () => true });
}

/**
 * Publishes `round` again and again, `perSend` messages per request with a pause between, until
 * `stop()` is true after a whole round. Returns how many rounds went out, so a test knows the
 * exact number of rows it must end with however long its consumers took.
 */
export async function produceRounds(
  kafka: Kafka,
  topic: string,
  round: Buffer[],
  opts: { perSend: number; pauseMs: number; stop: () => boolean },
): Promise<number> {
  const producer = kafka.producer();
  await producer.connect();
  let rounds = 0;
  try {
    do {
      for (let i = 0; i < round.length; i += opts.perSend) {
        await producer.send({
          topic,
          acks: -1,
          messages: round.slice(i, i + opts.perSend).map((value) => ({ value })),
        });
        if (opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs));
      }
      rounds++;
    } while (!opts.stop());
  } finally {
    await producer.disconnect();
  }
  return rounds;
}

export interface RunningPipeline {
  source: ReturnType<typeof createKafkaSource>;
  done: Promise<PipelineResult>;
  stop(): Promise<PipelineResult>;
}

/** Kafka source → real normalizer → ClickHouse sink, in this process. */
export function startKafkaPipeline(
  db: Db,
  cfg: KafkaSourceConfigInput,
  secrets: KafkaSecrets = {},
): RunningPipeline {
  const source = createKafkaSource(KafkaSourceConfigSchema.parse(cfg), { secrets });
  const sink = createClickHouseSink({ db });
  const ac = new AbortController();
  const done = runPipeline({ source, sink, normalize: withKafkaFrames(normalize), signal: ac.signal });
  return {
    source,
    done,
    stop: async () => {
      ac.abort();
      const r = await done;
      await source.stop();
      await sink.close();
      return r;
    },
  };
}
