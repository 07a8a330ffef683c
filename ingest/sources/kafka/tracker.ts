import { encodePending } from './ranges.js';

/** What to commit for a partition: the offset below which everything is durable, and the ranges in flight. */
export interface CommitSnapshot {
  offset: number;
  metadata: string;
}

/**
 * Most bytes of pending-range metadata a commit may carry. Apache Kafka's default
 * `offset.metadata.max.bytes` is 4096 (a larger commit fails with OFFSET_METADATA_TOO_LARGE); the
 * Event Hubs Kafka endpoint documents 1024 bytes as its maximum, so the smaller limit applies
 * everywhere.
 * @see https://learn.microsoft.com/azure/event-hubs/apache-kafka-troubleshooting-guide#limits
 */
export const MAX_PENDING_METADATA_BYTES = 1024;

interface Tracked {
  start: number;
  end: number;
  done: boolean;
}

/**
 * Per-partition bookkeeping of ranges between "recorded" and "durable". Ranges may finish out of
 * order (the pipeline may write several at once); the committed offset only advances over a
 * finished prefix, and the metadata always lists every unfinished range's end.
 */
export class PartitionTracker {
  private base: number;
  private readonly ranges: Tracked[] = [];

  constructor(committed: number, replayEnds: readonly number[] = []) {
    this.base = committed;
    let start = committed;
    for (const end of replayEnds) {
      this.ranges.push({ start, end, done: false });
      start = end;
    }
  }

  get inFlight(): number {
    return this.ranges.filter((r) => !r.done).length;
  }

  /**
   * Whether recording [start, end) keeps the metadata within {@link MAX_PENDING_METADATA_BYTES}.
   * Always true with nothing in flight (one range's entry is a few dozen bytes at most).
   */
  fits(start: number, end: number): boolean {
    if (this.inFlight === 0 || this.ranges.some((r) => r.start === start && r.end === end)) return true;
    const ends = [...this.ranges.map((r) => r.end), end];
    return Buffer.byteLength(encodePending(ends)) <= MAX_PENDING_METADATA_BYTES;
  }

  /** Records a range about to be written; returns the snapshot to commit before writing it. */
  open(start: number, end: number): CommitSnapshot {
    if (this.base < 0) this.base = start;
    if (!this.ranges.some((r) => r.start === start && r.end === end))
      this.ranges.push({ start, end, done: false });
    return this.snapshot();
  }

  /** Marks a range durable; returns the snapshot to commit (the offset may not move yet). */
  complete(start: number, end: number): CommitSnapshot {
    const r = this.ranges.find((x) => x.start === start && x.end === end);
    if (r) r.done = true;
    while (this.ranges[0]?.done) this.base = this.ranges.shift()!.end;
    return this.snapshot();
  }

  snapshot(): CommitSnapshot {
    return { offset: this.base, metadata: encodePending(this.ranges.map((r) => r.end)) };
  }
}

/**
 * Sends snapshots one at a time, always the newest: commits of one partition never overtake each
 * other, and a burst of acks costs one round trip. `commit()` resolves once a snapshot at least as
 * new as the one given is stored.
 */
export class SnapshotCommitter {
  private latest: CommitSnapshot | undefined;
  private requested = 0;
  private sent = 0;
  private running: Promise<void> | undefined;
  private waiters: { version: number; resolve: () => void; reject: (e: unknown) => void }[] = [];

  constructor(private readonly send: (s: CommitSnapshot) => Promise<void>) {}

  commit(snapshot: CommitSnapshot): Promise<void> {
    this.latest = snapshot;
    const version = ++this.requested;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ version, resolve, reject }));
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
    });
    return done;
  }

  private async loop(): Promise<void> {
    while (this.sent < this.requested) {
      const version = this.requested;
      try {
        await this.send(this.latest!);
      } catch (err) {
        this.settle(version, err);
        continue;
      }
      this.sent = version;
      this.settle(version);
    }
  }

  private settle(version: number, err?: unknown): void {
    if (err !== undefined) this.sent = version;
    const ready = this.waiters.filter((w) => w.version <= version);
    this.waiters = this.waiters.filter((w) => w.version > version);
    for (const w of ready) err === undefined ? w.resolve() : w.reject(err);
  }
}
