import type { PartitionContext, ReceivedEventData } from '@azure/event-hubs';

/**
 * Moves one partition's checkpoint off the pipeline's critical path: `advance()` returns at once and
 * a single background loop writes the newest acked event (older ones are skipped, the checkpoint is
 * a high-water mark). Safe because exactly-once rests on the range log, not on the checkpoint: a
 * checkpoint that lags only means a few identical ranges are replayed and deduplicated.
 * @see https://learn.microsoft.com/javascript/api/@azure/event-hubs/partitioncontext#@azure-event-hubs-partitioncontext-updatecheckpoint
 */
export class Checkpointer {
  private latest: ReceivedEventData | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly context: PartitionContext,
    private readonly onWritten: (sequenceNumber: number) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  advance(event: ReceivedEventData): void {
    if (this.stopped) return;
    this.latest = event;
    this.loop ??= this.run();
  }

  /** Resolves when the newest acked event is checkpointed (or failed). */
  async settle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  /** No more writes after the current one (partition lost: the new owner checkpoints now). */
  stop(): void {
    this.stopped = true;
    this.latest = undefined;
  }

  private async run(): Promise<void> {
    try {
      while (this.latest && !this.stopped) {
        const event = this.latest;
        this.latest = undefined;
        try {
          await this.context.updateCheckpoint(event);
          this.onWritten(event.sequenceNumber);
        } catch (err) {
          this.onError(err);
        }
      }
    } finally {
      this.loop = undefined;
    }
  }
}
