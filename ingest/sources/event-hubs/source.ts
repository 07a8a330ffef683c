import type { PartitionContext, ReceivedEventData, Subscription } from '@azure/event-hubs';
import { errorMessage } from '../../../core/errors.js';
import { type Logger, silentLogger } from '../../../core/logging.js';
import type { Source, SourceBatch } from '../../contracts.js';
import { type ConsumerParts, createConsumer, type EventHubsSecrets, startPosition } from './client.js';
import type { EventHubsSourceConfig } from './config.js';
import { Handoff } from './handoff.js';
import { PartitionWorker } from './partition.js';
import { RangeLog } from './range-log.js';

/**
 * Azure Event Hubs as a flowlens Source: the SDK's EventHubConsumerClient in a consumer group with
 * a BlobCheckpointStore, so instances sharing the group and the container split the partitions
 * (the SDK's load balancing claims ownership blobs). Each claimed partition is cut into
 * sequence-number ranges (ranges.ts) that replay identically after a crash, one SourceBatch each;
 * the checkpoint moves only when the pipeline acks, after the sink made the rows durable.
 * @see https://learn.microsoft.com/azure/event-hubs/event-processor-balance-partition-load
 */
export interface EventHubsSourceOptions {
  config: EventHubsSourceConfig;
  secrets: EventHubsSecrets;
  logger?: Logger;
}

export interface EventHubsSourceStats {
  batches: number;
  events: number;
  checkpoints: number;
  errors: number;
  checkpointErrors: number;
  /** Partitions currently claimed by this instance. */
  partitions: string[];
}

interface Offered {
  batch: SourceBatch;
  worker: PartitionWorker;
}

export function createEventHubsSource(options: EventHubsSourceOptions): EventHubsSource {
  return new EventHubsSource(options);
}

export class EventHubsSource implements Source {
  readonly name: string;
  private readonly logger: Logger;
  private readonly handoff = new Handoff<Offered>();
  /**
   * Keyed by the SDK's per-pump context, not by partition id: a pump's late processClose must close
   * only its own worker, never the one of a newer pump of the same partition.
   */
  private readonly workers = new Map<PartitionContext, PartitionWorker>();
  private readonly counters = { batches: 0, events: 0, checkpoints: 0, errors: 0, checkpointErrors: 0 };
  private parts: ConsumerParts | undefined;
  private subscription: Subscription | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: EventHubsSourceOptions) {
    this.name = options.config.name ?? `event-hubs:${options.config.hub ?? 'hub'}`;
    this.logger = options.logger ?? silentLogger();
  }

  stats(): EventHubsSourceStats {
    return {
      ...this.counters,
      partitions: [...new Set([...this.workers.keys()].map((c) => c.partitionId))].sort(),
    };
  }

  async *batches(signal: AbortSignal): AsyncIterable<SourceBatch> {
    await this.start();
    while (!signal.aborted) {
      const item = await this.handoff.take(signal);
      if (!item) return;
      // A batch of a partition lost meanwhile is left to its new owner (same range, deduplicated).
      if (item.worker.closed) continue;
      this.counters.batches += 1;
      yield item.batch;
    }
  }

  stop(deadlineMs = 10_000): Promise<void> {
    this.stopping ??= this.shutdown(deadlineMs);
    return this.stopping;
  }

  private async start(): Promise<void> {
    if (this.parts || this.stopping) return;
    const { config } = this.options;
    const parts = createConsumer(config, this.options.secrets);
    this.parts = parts;
    await parts.container.createIfNotExists();
    this.subscription = parts.client.subscribe(
      {
        processInitialize: async (ctx) => this.claim(ctx),
        processEvents: async (events, ctx) => this.process(events, ctx),
        processError: async (err, ctx) => this.onError(err, ctx.partitionId),
        processClose: async (reason, ctx) => {
          this.workers.get(ctx)?.close();
          this.workers.delete(ctx);
          this.logger.info({ partition: ctx.partitionId, reason }, 'event hubs partition released');
        },
      },
      {
        startPosition: startPosition(config.startPosition),
        maxBatchSize: config.maxBatchEvents,
        maxWaitTimeInSeconds: config.maxWaitSeconds,
        prefetchCount: Math.max(config.prefetchEvents, config.maxBatchEvents),
        skipParsingBodyAsJson: true,
      },
    );
  }

  private async claim(ctx: PartitionContext): Promise<void> {
    this.workers.get(ctx)?.close();
    const worker = await PartitionWorker.open({
      partitionId: ctx.partitionId,
      positionKey: `${ctx.fullyQualifiedNamespace}/${ctx.eventHubName}/${ctx.partitionId}`,
      frameKey: `${ctx.eventHubName}/${ctx.partitionId}`,
      limits: { maxEvents: this.options.config.maxBatchEvents, maxBytes: 64 * 1024 * 1024 },
      container: this.parts!.container,
      rangeLogName: RangeLog.blobName(
        ctx.fullyQualifiedNamespace,
        ctx.eventHubName,
        ctx.consumerGroup,
        ctx.partitionId,
      ),
      owner: this.parts!.client.identifier,
      offer: (batch, w) => this.handoff.push({ batch, worker: w }),
      onCheckpoint: () => {
        this.counters.checkpoints += 1;
      },
      onCheckpointError: (err) => {
        this.counters.checkpointErrors += 1;
        this.logger.warn(
          { partition: ctx.partitionId, err: errorMessage(err) },
          'event hubs checkpoint failed',
        );
      },
    });
    this.workers.set(ctx, worker);
    this.logger.info({ partition: ctx.partitionId }, 'event hubs partition claimed');
  }

  private async process(events: ReceivedEventData[], ctx: PartitionContext): Promise<void> {
    if (!this.workers.has(ctx)) await this.claim(ctx);
    this.counters.events += events.length;
    const worker = this.workers.get(ctx)!;
    try {
      await worker.handle(events, ctx);
    } catch (err) {
      // Events already taken from the SDK would be skipped if the pump went on; a plain (not
      // `retryable`) error makes the SDK close this partition and claim it again from the checkpoint.
      worker.close();
      this.workers.delete(ctx);
      throw new Error(`event hubs partition ${ctx.partitionId}: ${errorMessage(err)}`);
    }
  }

  private async onError(err: Error, partitionId: string): Promise<void> {
    // The SDK retries and re-claims on its own; errors are rare events, not per record.
    this.counters.errors += 1;
    this.logger.warn({ partition: partitionId, err: errorMessage(err) }, 'event hubs error');
  }

  private async shutdown(deadlineMs: number): Promise<void> {
    const close = async () => {
      // Acked ranges get their checkpoints first, so a restart does not replay them.
      await Promise.all([...this.workers.values()].map((w) => w.settle()));
      for (const w of this.workers.values()) w.close();
      this.handoff.close();
      await this.subscription?.close();
      await this.parts?.client.close();
    };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, deadlineMs);
    });
    try {
      await Promise.race([close().catch((err: unknown) => this.onError(err as Error, '')), deadline]);
    } finally {
      clearTimeout(timer);
      for (const w of this.workers.values()) w.close();
      this.handoff.close();
    }
  }
}
