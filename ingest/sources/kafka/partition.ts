import type { SourceBatch } from '../../contracts.js';
import type { InFlightBudget } from './flow-control.js';
import { encodeFrame, type FramedMessage } from './frame.js';
import { type ClosedRange, RangeAccumulator, type RangeLimits } from './ranges.js';
import { type CommitSnapshot, PartitionTracker, SnapshotCommitter } from './tracker.js';

export interface PartitionDeps {
  /** `topic/partition`: the position key. */
  key: string;
  limits: RangeLimits;
  lingerMs: number;
  /** At the partition's end, a range with at least this many bytes closes without waiting for the linger. */
  minBytesAtEnd: number;
  budget: InFlightBudget;
  /** Stores a snapshot as the partition's committed offset + metadata (retries inside). */
  commit(snapshot: CommitSnapshot): Promise<void>;
  emit(batch: SourceBatch): void;
  /** Reports an error that must stop the source (e.g. commits failing for good). */
  fail(err: unknown): void;
}

/**
 * One assigned partition for one group generation: cuts messages into ranges, records each range
 * in the committed metadata before handing it out, and advances the committed offset as ranges
 * become durable. Disposed at the next rebalance; a disposed instance emits and commits nothing.
 */
export class PartitionWork {
  private readonly ranges: RangeAccumulator;
  private readonly tracker: PartitionTracker;
  private readonly committer: SnapshotCommitter;
  private chain: Promise<void> = Promise.resolve();
  private linger: NodeJS.Timeout | undefined;
  private disposed = false;
  /** Wakes a hand-out waiting for the pending list to shrink (an ack, or dispose). */
  private wake: (() => void) | undefined;

  constructor(
    private readonly deps: PartitionDeps,
    committed: number,
    replayEnds: readonly number[],
  ) {
    this.ranges = new RangeAccumulator(deps.limits, replayEnds, committed);
    this.tracker = new PartitionTracker(committed, replayEnds);
    this.committer = new SnapshotCommitter((s) => (this.disposed ? Promise.resolve() : deps.commit(s)));
  }

  get replaying(): boolean {
    return this.ranges.replaying;
  }

  /**
   * Takes messages in offset order; resolves when the ranges they closed are handed out.
   * `atEnd`: the batch reached the partition's high watermark (nothing more to fetch right now).
   */
  add(messages: readonly FramedMessage[], atEnd = false): Promise<void> {
    if (this.disposed) return Promise.resolve();
    for (const m of messages) for (const r of this.ranges.push(m)) this.enqueue(r);
    const tail = atEnd ? this.ranges.flush(this.deps.minBytesAtEnd) : undefined;
    if (tail) this.enqueue(tail);
    if (this.ranges.openMessages > 0) this.armLinger();
    else this.disarmLinger();
    return this.chain;
  }

  dispose(): void {
    this.disposed = true;
    this.disarmLinger();
    this.wake?.();
  }

  private armLinger(): void {
    if (this.linger) return;
    this.linger = setTimeout(() => {
      this.linger = undefined;
      const r = this.disposed ? undefined : this.ranges.flush();
      if (r) this.enqueue(r);
    }, this.deps.lingerMs);
  }

  private disarmLinger(): void {
    if (this.linger) clearTimeout(this.linger);
    this.linger = undefined;
  }

  private enqueue(r: ClosedRange): void {
    this.chain = this.chain.then(() => this.handOut(r)).catch((err: unknown) => this.deps.fail(err));
  }

  private async handOut(r: ClosedRange): Promise<void> {
    if (this.disposed) return;
    if (r.messages.length === 0) {
      // A recorded range whose messages are gone (retention): nothing to write, settle it.
      this.tracker.open(r.start, r.end);
      await this.committer.commit(this.tracker.complete(r.start, r.end));
      return;
    }
    if (!(await this.deps.budget.acquire(r.bytes))) return;
    // Recording one more range would make the commit metadata too large for the broker: wait
    // until earlier ranges are durable and leave the list (acks never depend on this hand-out).
    while (!this.disposed && !this.tracker.fits(r.start, r.end))
      await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.disposed) return this.deps.budget.release(r.bytes);
    try {
      await this.committer.commit(this.tracker.open(r.start, r.end)); // recorded before written
    } catch (err) {
      this.deps.budget.release(r.bytes);
      throw err;
    }
    if (this.disposed) return this.deps.budget.release(r.bytes);
    this.deps.emit(this.toBatch(r));
  }

  private toBatch(r: ClosedRange): SourceBatch {
    let acked = false;
    return {
      body: encodeFrame(this.deps.key, r.messages),
      position: { kind: 'kafka', key: this.deps.key, start: r.start, end: r.end },
      ...newestTimestamp(r.messages),
      ack: async () => {
        if (acked) return;
        acked = true;
        try {
          if (!this.disposed) await this.committer.commit(this.tracker.complete(r.start, r.end));
        } finally {
          this.deps.budget.release(r.bytes);
          this.wake?.();
        }
      },
    };
  }
}

/** The newest message timestamp of a range, when the broker gave one (for the lag gauge). */
function newestTimestamp(messages: readonly FramedMessage[]): { dataTimeMs?: number } {
  let newest = Number.NEGATIVE_INFINITY;
  for (const m of messages) if (m.timestampMs !== undefined && m.timestampMs > newest) newest = m.timestampMs;
  return Number.isFinite(newest) ? { dataTimeMs: newest } : {};
}
