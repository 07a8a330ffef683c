/**
 * Bounded memory for the Kafka source: ranges handed to the pipeline but not yet durable are
 * counted in bytes and in ranges; `acquire` waits while either limit is reached, which holds the
 * consumer's eachBatch and so stops fetching. One range is always let through when nothing is in
 * flight, so a range larger than the byte limit cannot deadlock.
 */
export class InFlightBudget {
  private bytes = 0;
  private ranges = 0;
  /** High-water mark of {@link inFlightBytes}, for stats and the benchmark. */
  peakBytes = 0;
  private waiters: (() => void)[] = [];
  private aborted = false;

  constructor(
    private readonly maxBytes: number,
    private readonly maxRanges: number,
  ) {}

  get inFlightBytes(): number {
    return this.bytes;
  }

  /** Resolves true once there is room, false when aborted (shutdown). */
  async acquire(bytes: number): Promise<boolean> {
    while (
      !this.aborted &&
      this.ranges > 0 &&
      (this.bytes + bytes > this.maxBytes || this.ranges >= this.maxRanges)
    ) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.aborted) return false;
    this.bytes += bytes;
    this.ranges += 1;
    this.peakBytes = Math.max(this.peakBytes, this.bytes);
    return true;
  }

  release(bytes: number): void {
    this.bytes -= bytes;
    this.ranges -= 1;
    this.wake();
  }

  abort(): void {
    this.aborted = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }
}

/** A single-consumer async queue; `close(err)` ends the iteration (with the error, if any). */
export class AsyncQueue<T> {
  private items: T[] = [];
  private wakeup: (() => void) | undefined;
  private closed = false;
  private error: unknown;

  push(item: T): void {
    if (this.closed) return;
    this.items.push(item);
    this.wake();
  }

  close(error?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.error = error;
    this.wake();
  }

  /** Items dropped at close (not yet taken): the caller releases what they hold. */
  drainPending(): T[] {
    const rest = this.items;
    this.items = [];
    return rest;
  }

  async *iterate(): AsyncGenerator<T> {
    for (;;) {
      const item = this.items.shift();
      if (item !== undefined) {
        yield item;
        continue;
      }
      if (this.closed) {
        if (this.error !== undefined) throw this.error;
        return;
      }
      await new Promise<void>((resolve) => {
        this.wakeup = resolve;
      });
    }
  }

  private wake(): void {
    const w = this.wakeup;
    this.wakeup = undefined;
    w?.();
  }
}

/** Keeps a consumer's group membership alive while `work` waits (kafkajs throttles the calls). */
export async function withHeartbeat<T>(
  work: Promise<T>,
  heartbeat: () => Promise<void>,
  everyMs = 1000,
): Promise<T> {
  const timer = setInterval(() => {
    heartbeat().catch(() => undefined); // a rebalance shows up on the next fetch; nothing to do here
  }, everyMs);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}
