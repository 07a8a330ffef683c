/**
 * Cutting one partition's event stream into sequence-number ranges, one insert each.
 *
 * Exactly-once rows need a replay after a crash or an ownership change to re-form *the same*
 * ranges, because the insert deduplication token is `event-hubs:<ns>/<hub>/<partition>:<start>-<end>`
 * (docs/architecture.md). The SDK's batch boundaries depend on timing, so every range is recorded
 * (range-log.ts) before it is handed out; whoever owns the partition next reads the recent ranges
 * and re-forms exactly those that lie ahead of its start ({@link RangeAssembler} with `recorded`),
 * then cuts freely again. Sequence numbers are dense per partition, so a range is `[start, end)`.
 * @see https://learn.microsoft.com/azure/event-hubs/event-hubs-features#checkpointing
 */
export interface PendingRange {
  start: number;
  /** Exclusive. */
  end: number;
}

export interface RangeEvent {
  sequenceNumber: number;
  bytes: number;
}

export interface ClosedRange<E extends RangeEvent> extends PendingRange {
  events: E[];
}

export interface RangeLimits {
  maxEvents: number;
  maxBytes: number;
}

export class RangeAssembler<E extends RangeEvent> {
  private buffer: E[] = [];
  private readonly recorded: PendingRange[];

  /** `recorded`: ranges written before (by this or an earlier owner), in sequence order. */
  constructor(
    private readonly limits: RangeLimits,
    recorded: readonly PendingRange[] = [],
  ) {
    this.recorded = [...recorded].sort((a, b) => a.start - b.start);
  }

  /** Events held back because a recorded range is not complete yet. */
  get waiting(): number {
    return this.buffer.length;
  }

  /** Appends consecutive events; returns the ranges that are now closed, in order. */
  push(events: readonly E[]): ClosedRange<E>[] {
    for (const e of events) this.buffer.push(e);
    const out: ClosedRange<E>[] = [];
    while (this.buffer.length > 0) {
      const cut = this.nextCut();
      if (cut === 0) break; // inside a recorded range: wait for its last event
      out.push(toRange(this.buffer.splice(0, cut)));
    }
    return out;
  }

  /** How many buffered events the next range takes (0 = wait for more). */
  private nextCut(): number {
    const first = this.buffer[0]!.sequenceNumber;
    while (this.recorded.length > 0 && this.recorded[0]!.end <= first) this.recorded.shift();
    const next = this.recorded[0];
    if (!next) return this.limitCut();
    if (first < next.start) return Math.min(this.limitCut(), this.indexOfSeq(next.start));
    // Inside a recorded range: close exactly at its end, never earlier.
    const endIndex = this.indexOfSeq(next.end);
    if (endIndex === this.buffer.length) return 0;
    this.recorded.shift();
    return endIndex;
  }

  private limitCut(): number {
    let bytes = 0;
    for (let i = 0; i < this.buffer.length; i += 1) {
      bytes += this.buffer[i]!.bytes;
      if (i + 1 >= this.limits.maxEvents || bytes >= this.limits.maxBytes) return i + 1;
    }
    return this.buffer.length;
  }

  /** Index of the first buffered event with sequence number ≥ seq (buffer.length when none). */
  private indexOfSeq(seq: number): number {
    const i = this.buffer.findIndex((e) => e.sequenceNumber >= seq);
    return i < 0 ? this.buffer.length : i;
  }
}

function toRange<E extends RangeEvent>(events: E[]): ClosedRange<E> {
  return {
    start: events[0]!.sequenceNumber,
    end: events[events.length - 1]!.sequenceNumber + 1,
    events,
  };
}
