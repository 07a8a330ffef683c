import { readFileSync } from 'node:fs';
import { EventHubProducerClient } from '@azure/event-hubs';
import type { BlobServiceClient } from '@azure/storage-blob';
import type { Kafka } from 'kafkajs';
import type { Db } from '../../core/clickhouse/client.js';
import { AzureBlobWriter, type FlowLogStream } from './azure-blob-writer.js';
import { rows } from './chdb.js';
import { connectorBody } from './eventhubs-messages.js';

/**
 * What the back-pressure tests (test/e2e/outage-all-sources.test.ts) need around one
 * `flowlens run` with blob, Kafka and Event Hubs sources: feeds that keep data arriving on all
 * three and count exactly what they wrote, each source's acknowledgement state (blob cursors,
 * Kafka committed offsets, Event Hubs checkpoints), the stored rows by source kind with a
 * duplicate count, the process's resident memory, and values read from `/metrics`.
 */
export const BLOB_STREAMS: FlowLogStream[] = [
  { kind: 'nsg', subscription: 'eeee-9999', resourceGroup: 'rg-bp', name: 'nsg-backpressure' },
  { kind: 'vnet', subscription: 'eeee-9999', resourceGroup: 'rg-bp', name: 'flowlog-backpressure' },
];
/**
 * Tuples per Kafka and Event Hubs message: connector-shaped bodies (one tuple per flat record) with
 * an id of their own, so every tuple is unique by (time, source port) within its kind and a
 * duplicate is countable. (A Kafka row's `record_offset` is the range's first offset plus a byte
 * position in the range body, which two ranges of one partition can share: not a unique key.)
 */
export const EH_RECORDS = 20;
/** Kafka message ids start here (Event Hubs ids at 0); a send carries this many messages. */
const KAFKA_FIRST_ID = 10_000_000;
const KAFKA_PER_SEND = 8;

export interface FeedTargets {
  blob: BlobServiceClient;
  kafka: Kafka;
  topic: string;
  ehConnectionString: string;
  ehPartitions: string[];
}

export interface Written {
  blob: number;
  kafka: number;
  eh: number;
}

/** Data arriving on all three sources until stop(); `written()` is exact once stop() resolved. */
export class Feeds {
  readonly #t: FeedTargets;
  readonly #writer: AzureBlobWriter;
  #kafkaMessages = 0;
  #ehMessages = 0;
  #running: Promise<unknown> | undefined;
  #stop = false;

  constructor(targets: FeedTargets) {
    this.#t = targets;
    this.#writer = new AzureBlobWriter(targets.blob);
  }

  async init(): Promise<void> {
    await this.#writer.ensureContainers();
  }

  written(): Written {
    return {
      blob: this.#writer.totalTuples,
      kafka: this.#kafkaMessages * EH_RECORDS,
      eh: this.#ehMessages * EH_RECORDS,
    };
  }

  /** Blob appends every 200 ms, 8 Kafka messages every second, 4 Event Hubs events every 500 ms. */
  start(): void {
    this.#stop = false;
    this.#running = Promise.all([this.#blobLoop(), this.#kafkaLoop(), this.#ehLoop()]);
  }

  async stop(): Promise<Written> {
    this.#stop = true;
    await this.#running;
    return this.written();
  }

  async #blobLoop(): Promise<void> {
    for (let i = 0; !this.#stop; i++) {
      await this.#writer.append(BLOB_STREAMS[i % 2]!, '000D3A555555', Date.now(), { tuples: 5 + (i % 4) });
      await pause(200);
    }
  }

  async #kafkaLoop(): Promise<void> {
    // Idempotent: a send retried after a lost response must not add messages the count does not know.
    const producer = this.#t.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      while (!this.#stop) {
        const first = KAFKA_FIRST_ID + this.#kafkaMessages;
        const messages = Array.from({ length: KAFKA_PER_SEND }, (_, j) => ({
          value: connectorBody(first + j, EH_RECORDS),
        }));
        await producer.send({ topic: this.#t.topic, acks: -1, messages });
        this.#kafkaMessages += KAFKA_PER_SEND;
        await pause(1000);
      }
    } finally {
      await producer.disconnect();
    }
  }

  async #ehLoop(): Promise<void> {
    const producer = new EventHubProducerClient(this.#t.ehConnectionString);
    try {
      for (let i = 0; !this.#stop; i++) {
        const partitionId = this.#t.ehPartitions[i % this.#t.ehPartitions.length]!;
        const batch = await producer.createBatch({ partitionId });
        for (let j = 0; j < 4; j++)
          batch.tryAdd({ body: Buffer.from(connectorBody(this.#ehMessages + j, EH_RECORDS)) });
        await producer.sendBatch(batch);
        this.#ehMessages += 4;
        await pause(500);
      }
    } finally {
      await producer.close();
    }
  }
}

/** Each source's acknowledged position: what a restart would resume from. */
export interface AckState {
  /** Blob cursor offsets (bytes of each blob acked), from `ingest_positions`. */
  blob: Record<string, number>;
  /** Kafka committed offsets by partition. */
  kafka: Record<string, string>;
  /** Event Hubs checkpoints (sequence numbers) by checkpoint blob. */
  eh: Record<string, string>;
}

export async function kafkaCommitted(kafka: Kafka, groupId: string, topic: string) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Object.fromEntries((t?.partitions ?? []).map((p) => [String(p.partition), p.offset]));
  } finally {
    await admin.disconnect();
  }
}

export async function ehCheckpoints(blob: BlobServiceClient, container: string) {
  const out: Record<string, string> = {};
  const list = blob.getContainerClient(container).listBlobsFlat({ includeMetadata: true });
  for await (const b of list)
    if (b.name.includes('/checkpoint/')) out[b.name] = b.metadata?.sequencenumber ?? '';
  return out;
}

/** Needs the database to answer SELECTs (inserts may be refused). */
export async function blobCursors(db: Db): Promise<Record<string, number>> {
  const got = await rows<{ key: string; position: string }>(
    db,
    "SELECT source_key AS key, argMax(position, updated_at) AS position FROM ingest_positions WHERE source_kind = 'blob' GROUP BY key",
  );
  return Object.fromEntries(got.map((r) => [r.key, (JSON.parse(r.position) as { offset: number }).offset]));
}

/**
 * Stored rows by source kind, and how many are stored twice: a blob row repeats its (source,
 * record_offset, tuple_index) — the byte position in its blob —, a Kafka or Event Hubs row its
 * (time, source port) within its kind (the feeds' bodies are unique by those).
 */
export async function stored(db: Db): Promise<Written & { duplicates: number }> {
  const [r] = await rows<Record<'blob' | 'kafka' | 'eh' | 'duplicates', string>>(
    db,
    `SELECT countIf(kind = 'blob') AS blob, countIf(kind = 'kafka') AS kafka, countIf(kind = 'eh') AS eh,
            count() - uniqExactIf((source, record_offset, tuple_index), kind = 'blob')
              - uniqExactIf((kind, time, src_port), kind != 'blob') AS duplicates
     FROM (SELECT *, multiIf(startsWith(source, 'kafka:'), 'kafka', startsWith(source, 'event-hubs:'), 'eh', 'blob') AS kind FROM flows)`,
  );
  return {
    blob: Number(r?.blob ?? 0),
    kafka: Number(r?.kafka ?? 0),
    eh: Number(r?.eh ?? 0),
    duplicates: Number(r?.duplicates ?? 0),
  };
}

/** Samples a process's resident set size (VmRSS, Linux) every `everyMs`; peak kept per phase. */
export class RssSampler {
  readonly peaks = new Map<string, number>();
  #phase = 'start';
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    everyMs = 500,
  ) {
    this.#timer = setInterval(() => this.sample(), everyMs);
  }

  phase(name: string): void {
    this.sample();
    this.#phase = name;
  }

  /** Peak RSS in MiB of one phase (0 when never sampled). */
  peakMiB(phase: string): number {
    return Math.round((this.peaks.get(phase) ?? 0) / 1024);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  private sample(): void {
    let kib: number;
    try {
      const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      if (!m) return;
      kib = Number(m[1]);
    } catch {
      return; // the process exited
    }
    this.peaks.set(this.#phase, Math.max(this.peaks.get(this.#phase) ?? 0, kib));
  }
}

/** Sum of a metric's samples in Prometheus text whose labels include `labels`. */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const ls = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => ls.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
