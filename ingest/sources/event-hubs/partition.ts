import type { PartitionContext, ReceivedEventData } from '@azure/event-hubs';
import type { ContainerClient } from '@azure/storage-blob';
import type { SourceBatch } from '../../contracts.js';
import { encodeFrame, FLAG_NULL, type FramedMessage } from '../kafka/frame.js';
import { Checkpointer } from './checkpointer.js';
import { RangeLog } from './range-log.js';
import { type ClosedRange, RangeAssembler, type RangeLimits } from './ranges.js';

/**
 * One claimed partition: events from the SDK → sequence-number ranges → one SourceBatch each,
 * handed out one at a time. The SDK awaits `handle()` before delivering the partition's next events
 * (it keeps prefetching meanwhile), so waiting for the ack here is the backpressure. The checkpoint
 * moves only after `ack()`, i.e. after the sink made the range durable (written in the background,
 * checkpointer.ts); once the partition is lost or closed, acks no longer checkpoint.
 * Bodies use the Kafka source's frame (kafka/frame.ts): `withKafkaFrames` normalizes each event on
 * its own and names rejects `<hub>/<partition>@<sequence number>`.
 */
export interface PartitionWorkerOptions {
  partitionId: string;
  /** Position key: `<namespace>/<hub>/<partition>` (the insert deduplication token's stream). */
  positionKey: string;
  /** Frame key shown in rejects: `<hub>/<partition>`. */
  frameKey: string;
  limits: RangeLimits;
  /** Blob container of the checkpoint store; the range log lives next to the checkpoints. */
  container: ContainerClient;
  /** Range log blob name (RangeLog.blobName). */
  rangeLogName: string;
  /** This consumer's id (the SDK's ownerId), written into the range log. */
  owner: string;
  offer(batch: SourceBatch, worker: PartitionWorker): void;
  onCheckpoint?: (partitionId: string, sequenceNumber: number) => void;
  onCheckpointError?: (err: unknown) => void;
}

interface Event {
  sequenceNumber: number;
  bytes: number;
  message: FramedMessage;
  data: ReceivedEventData;
}

export class PartitionWorker {
  private closedFlag = false;
  private waiting: (() => void) | undefined;
  private checkpoints: Checkpointer | undefined;

  private constructor(
    private readonly opts: PartitionWorkerOptions,
    private readonly log: RangeLog,
    private readonly assembler: RangeAssembler<Event>,
  ) {}

  /** Claims the partition's range log (fencing out an earlier owner) and re-forms its ranges. */
  static async open(opts: PartitionWorkerOptions): Promise<PartitionWorker> {
    const log = await RangeLog.claim(opts.container, opts.rangeLogName, opts.partitionId, opts.owner);
    return new PartitionWorker(opts, log, new RangeAssembler<Event>(opts.limits, log.ranges));
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** The SDK's processEvents for this partition. */
  async handle(events: ReceivedEventData[], context: PartitionContext): Promise<void> {
    if (events.length === 0 || this.closedFlag) return;
    for (const range of this.assembler.push(events.map(toEvent))) {
      if (this.closedFlag) return;
      await this.log.record(range);
      await this.handOut(range, context);
    }
  }

  /** Waits for the newest acked range's checkpoint (graceful shutdown). */
  async settle(): Promise<void> {
    await this.checkpoints?.settle();
  }

  /** Partition lost or shutting down: stop checkpointing, release a handler waiting for an ack. */
  close(): void {
    this.closedFlag = true;
    this.checkpoints?.stop();
    this.waiting?.();
    this.waiting = undefined;
  }

  private checkpointer(context: PartitionContext): Checkpointer {
    this.checkpoints ??= new Checkpointer(
      context,
      (seq) => this.opts.onCheckpoint?.(this.opts.partitionId, seq),
      (err) => this.opts.onCheckpointError?.(err),
    );
    return this.checkpoints;
  }

  private handOut(range: ClosedRange<Event>, context: PartitionContext): Promise<void> {
    const last = range.events[range.events.length - 1]!.data;
    return new Promise<void>((resolve) => {
      this.waiting = resolve;
      const batch: SourceBatch = {
        body: encodeFrame(
          this.opts.frameKey,
          range.events.map((e) => e.message),
        ),
        position: { kind: 'event-hubs', key: this.opts.positionKey, start: range.start, end: range.end },
        dataTimeMs: last.enqueuedTimeUtc.getTime(),
        ack: async () => {
          if (!this.closedFlag) this.checkpointer(context).advance(last);
          this.waiting = undefined;
          resolve();
        },
      };
      this.opts.offer(batch, this);
    });
  }
}

function toEvent(data: ReceivedEventData): Event {
  const value = bodyBytes(data.body);
  return {
    sequenceNumber: data.sequenceNumber,
    bytes: value.length,
    message: { offset: data.sequenceNumber, value, flags: value.length === 0 ? FLAG_NULL : 0 },
    data,
  };
}

/** With `skipParsingBodyAsJson` a data-section body is a Buffer; AMQP value bodies may be anything. */
function bodyBytes(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body === undefined || body === null) return Buffer.alloc(0);
  return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
}
