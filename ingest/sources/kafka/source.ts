import {
  type Admin,
  type Consumer,
  type EachBatchPayload,
  Kafka,
  type KafkaConfig,
  type KafkaMessage,
  logLevel,
} from 'kafkajs';
import type { Logger } from '../../../core/logging.js';
import { retry } from '../../../core/retry.js';
import type { Source, SourceBatch } from '../../contracts.js';
import { type KafkaSecrets, kafkaClientConfig } from './client-config.js';
import { CommitConfirmations, type CommitEventPayload, ConsumerRestarting } from './commit-confirm.js';
import { CommittedOffsets } from './committed-offsets.js';
import type { KafkaSourceConfig } from './config.js';
import { connectChecked } from './connect.js';
import { AsyncQueue, InFlightBudget, withHeartbeat } from './flow-control.js';
import { FLAG_NULL, FLAG_TOO_LARGE, type FramedMessage } from './frame.js';
import { type MetadataCheck, MetadataProbe } from './metadata-check.js';
import { PartitionWork } from './partition.js';
import { decodePending } from './ranges.js';
import type { CommitSnapshot } from './tracker.js';

export interface KafkaSourceDeps {
  secrets: KafkaSecrets;
  logger?: Logger;
  /** Most ranges handed out and not yet durable (also bounds the pending list in commit metadata). */
  maxInFlightRanges?: number;
}

/** Counters for logs, metrics and tests. */
export interface KafkaSourceStats {
  messages: number;
  bytes: number;
  rangesHandedOut: number;
  rebalances: number;
  /** Partitions assigned to this consumer in the current generation. */
  assigned: number;
  /** Most bytes of ranges handed out and not yet durable at any moment (≤ maxInFlightBytes, or one range). */
  peakInFlightBytes: number;
  /** Partitions taken over with recorded ranges to re-form (restart or rebalance after a crash). */
  replays: number;
  /** Whether the broker kept the pending-range metadata of a commit (checked once per source). */
  commitMetadata: MetadataCheck;
}

/**
 * Kafka (or the Event Hubs Kafka endpoint) as a flow-log source, on kafkajs with a consumer group.
 * Each partition's messages are cut into offset ranges (ranges.ts); a range becomes one
 * SourceBatch whose framed body (frame.ts) the pipeline normalizes with `withKafkaFrames`. Offsets
 * are committed only after `ack()`, i.e. once the sink made the rows durable; fetching pauses
 * while `maxInFlightBytes` is reached. Delivery is at-least-once; rows are exactly-once because a
 * replay re-forms the same ranges and the sink deduplicates by position.
 * @see https://kafka.js.org/docs/consuming#a-name-each-batch-a-eachbatch
 */
export function createKafkaSource(
  cfg: KafkaSourceConfig,
  deps: KafkaSourceDeps,
): Source & { stats(): KafkaSourceStats } {
  return new KafkaSource(cfg, deps);
}

class KafkaSource implements Source {
  readonly name: string;
  private readonly client: KafkaConfig;
  private readonly kafka: Kafka;
  private readonly queue = new AsyncQueue<SourceBatch>();
  private readonly budget: InFlightBudget;
  private consumer: Consumer | undefined;
  private admin: Admin | undefined;
  private parts = new Map<string, Promise<PartitionWork>>();
  /** Committed offsets + metadata of the subscribed topics, read once when a generation starts. */
  private readonly offsets: CommittedOffsets;
  private readonly counters: KafkaSourceStats = {
    messages: 0,
    bytes: 0,
    rangesHandedOut: 0,
    rebalances: 0,
    assigned: 0,
    peakInFlightBytes: 0,
    replays: 0,
    commitMetadata: 'unknown',
  };
  private readonly probe: MetadataProbe;
  private started = false;
  private stopping: Promise<void> | undefined;
  /**
   * Between a consumer crash and the next group join, kafkajs' `commitOffsets` returns without
   * sending anything (its runner is not running); a commit then must wait, not count as stored.
   */
  private consumerDown = false;
  /** Which commits the broker accepted (kafkajs resolves some it never sent, commit-confirm.ts). */
  private readonly confirmations = new CommitConfirmations();

  constructor(
    private readonly cfg: KafkaSourceConfig,
    private readonly deps: KafkaSourceDeps,
  ) {
    this.name = cfg.name ?? `kafka:${cfg.topics.join(',')}`;
    this.client = kafkaClientConfig(cfg, deps.secrets);
    this.kafka = new Kafka({
      ...this.client,
      logLevel: logLevel.NOTHING,
      retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 5000 },
    });
    this.offsets = new CommittedOffsets(() => this.admin!, cfg.groupId, cfg.topics);
    this.probe = new MetadataProbe(() => this.admin, cfg.groupId, deps.logger);
    this.budget = new InFlightBudget(cfg.maxInFlightBytes, deps.maxInFlightRanges ?? 64);
  }

  stats(): KafkaSourceStats {
    return { ...this.counters, peakInFlightBytes: this.budget.peakBytes, commitMetadata: this.probe.state };
  }

  batches(signal: AbortSignal): AsyncIterable<SourceBatch> {
    if (!this.started) {
      this.started = true;
      signal.addEventListener('abort', () => void this.stop(), { once: true });
      this.start().catch((err: unknown) => this.queue.close(err));
    }
    return this.queue.iterate();
  }

  private async start(): Promise<void> {
    const admin = this.kafka.admin();
    this.admin = admin;
    await connectChecked(this.cfg, this.client, () => admin.connect());
    this.offsets.warmUp();
    const consumer = this.kafka.consumer({
      groupId: this.cfg.groupId,
      sessionTimeout: this.cfg.sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(this.cfg.sessionTimeoutMs / 10)),
      // Bigger fetches than kafkajs' 1 MB per partition: whole-blob and per-record flow-log messages
      // are large. One fetch is the only memory beyond maxInFlightBytes.
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxBytes: 16 * 1024 * 1024,
      // Never give up rejoining while running (broker restarts, coordinator moves).
      retry: {
        retries: 8,
        initialRetryTime: 300,
        maxRetryTime: 5000,
        restartOnFailure: async () => !this.stopping,
      },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      this.consumerDown = false;
      this.counters.assigned = Object.values(e.payload.memberAssignment).reduce((n, ps) => n + ps.length, 0);
      this.newGeneration();
    });
    consumer.on(consumer.events.COMMIT_OFFSETS, (e) =>
      this.confirmations.onCommitted(e.payload as CommitEventPayload),
    );
    consumer.on(consumer.events.CRASH, (e) => {
      this.consumerDown = true;
      this.deps.logger?.warn(
        { err: e.payload.error.message, restart: e.payload.restart },
        'kafka consumer crashed',
      );
      // Not restarting: nothing will fetch or commit again, so the run ends and its supervisor restarts it.
      if (!e.payload.restart && !this.stopping) this.queue.close(e.payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.cfg.topics, fromBeginning: this.cfg.fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.cfg.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /** Every rebalance starts every partition afresh from its committed offset and metadata. */
  private newGeneration(): void {
    this.counters.rebalances += 1;
    this.disposeAll();
    this.offsets.startGeneration();
  }

  private disposeAll(): void {
    const old = this.parts;
    this.parts = new Map();
    for (const p of old.values())
      void p.then(
        (w) => w.dispose(),
        () => undefined,
      );
  }

  private async onBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const work = await withHeartbeat(this.partition(batch.topic, batch.partition), heartbeat);
    const framed = batch.messages.map((m) => this.frame(m));
    const last = batch.messages[batch.messages.length - 1]!.offset;
    const handedOut = work.add(framed, Number(batch.highWatermark) <= Number(last) + 1);
    resolveOffset(last);
    await withHeartbeat(handedOut, heartbeat);
  }

  private frame(m: KafkaMessage): FramedMessage {
    const offset = Number(m.offset);
    const timestampMs = Number(m.timestamp);
    this.counters.messages += 1;
    if (m.value === null) return { offset, value: Buffer.alloc(0), flags: FLAG_NULL, timestampMs };
    this.counters.bytes += m.value.length;
    if (m.value.length > this.cfg.maxMessageBytes)
      return { offset, value: Buffer.from(m.value.subarray(0, 512)), flags: FLAG_TOO_LARGE, timestampMs }; // copy: let the big one go
    return { offset, value: m.value, flags: 0, timestampMs };
  }

  /** The partition's work for this generation, initialised from its committed offset + metadata. */
  private partition(topic: string, partition: number): Promise<PartitionWork> {
    const key = `${topic}/${partition}`;
    let p = this.parts.get(key);
    if (!p) {
      const parts = this.parts;
      p = this.offsets.get(topic, partition).then(({ offset, metadata }) => {
        const replayEnds = decodePending(metadata, offset);
        if (replayEnds.length) this.counters.replays += 1;
        const work = this.newWork(key, topic, partition, offset, replayEnds, () => parts === this.parts);
        if (parts !== this.parts) work.dispose();
        return work;
      });
      // A failed lookup must not stick: the batch fails unresolved, kafkajs re-fetches, we ask again.
      p.catch(() => parts.get(key) === p && parts.delete(key));
      parts.set(key, p);
    }
    return p;
  }

  private newWork(
    key: string,
    topic: string,
    partition: number,
    committed: number,
    replayEnds: number[],
    current: () => boolean,
  ): PartitionWork {
    return new PartitionWork(
      {
        key,
        limits: { maxMessages: this.cfg.range.maxMessages, maxBytes: this.cfg.range.maxBytes },
        lingerMs: this.cfg.range.lingerMs,
        minBytesAtEnd: this.cfg.range.minBytesAtEnd,
        budget: this.budget,
        commit: (s) => this.commit(topic, partition, s, current),
        emit: (b) => {
          this.counters.rangesHandedOut += 1;
          this.queue.push(b);
        },
        fail: (err) => this.queue.close(err),
      },
      committed,
      replayEnds,
    );
  }

  /**
   * Commits unless the partition changed hands. While the consumer restarts (broker restart,
   * coordinator move) it waits as long as the restart takes: the rejoin starts a new generation,
   * which ends the wait, and the new owner re-reads what is stored. Other failures get 30 tries.
   */
  private async commit(
    topic: string,
    partition: number,
    s: CommitSnapshot,
    current: () => boolean,
  ): Promise<void> {
    if (s.offset < 0) return;
    let failures = 0;
    const live = () => current() && !this.stopping;
    await retry(
      async () => {
        if (!live()) return;
        if (this.consumerDown) throw new ConsumerRestarting('commit deferred until it rejoins');
        const confirmed = this.confirmations.expect(topic, partition, s);
        await this.consumer!.commitOffsets([
          { topic, partition, offset: String(s.offset), metadata: s.metadata },
        ]).finally(() => void confirmed()); // a failed send forgets its check too
        if (!confirmed()) throw new ConsumerRestarting('commit not sent (its runner stopped)');
        await this.probe.afterCommit(topic, partition, s);
      },
      {
        attempts: Number.POSITIVE_INFINITY,
        baseDelayMs: 200,
        maxDelayMs: 3000,
        isRetryable: (err) => live() && (err instanceof ConsumerRestarting || ++failures < 30),
      },
    ).catch((err: unknown) => {
      if (live()) throw err;
    });
  }

  stop(deadlineMs = 10_000): Promise<void> {
    this.stopping ??= this.shutdown(deadlineMs);
    return this.stopping;
  }

  private async shutdown(deadlineMs: number): Promise<void> {
    this.budget.abort();
    this.disposeAll();
    // Batches not yet taken are dropped (recorded as pending, so the next owner re-forms them);
    // closing first lets the pipeline's loop end now rather than after the group leave.
    for (const b of this.queue.drainPending()) void b.ack().catch(() => undefined);
    this.queue.close();
    const disconnect = Promise.allSettled([this.consumer?.disconnect(), this.admin?.disconnect()]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([disconnect, new Promise((r) => (timer = setTimeout(r, deadlineMs)))]);
    clearTimeout(timer);
  }
}
