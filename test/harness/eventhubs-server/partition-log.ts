import type { StartFilter } from './filter.js';

/**
 * Part of the Event Hubs **test double** (not an emulator): one partition's append-only event log.
 * Sequence numbers start at 0; offsets are byte positions (the sum of earlier body sizes), as
 * strings on the wire like the real service; the enqueued time is the publish time in ms.
 */
export interface StoredEvent {
  sequenceNumber: number;
  offset: number;
  enqueuedTimeMs: number;
  partitionKey: string | undefined;
  /** The event as the producer sent it (decoded rhea message, without broker annotations). */
  message: Record<string, unknown>;
}

export interface PartitionProperties {
  beginSequenceNumber: number;
  lastSequenceNumber: number;
  lastOffset: number;
  lastEnqueuedTimeMs: number;
  isEmpty: boolean;
}

export class PartitionLog {
  readonly events: StoredEvent[] = [];
  private nextOffset = 0;
  private lastTimeMs = 0;

  constructor(readonly id: string) {}

  append(
    message: Record<string, unknown>,
    size: number,
    partitionKey: string | undefined,
    nowMs: number,
  ): StoredEvent {
    // Enqueued times never go backwards inside a partition, as in the service.
    this.lastTimeMs = Math.max(this.lastTimeMs, nowMs);
    const event: StoredEvent = {
      sequenceNumber: this.events.length,
      offset: this.nextOffset,
      enqueuedTimeMs: this.lastTimeMs,
      partitionKey,
      message,
    };
    this.nextOffset += Math.max(1, size);
    this.events.push(event);
    return event;
  }

  /** Index of the first event the filter admits (events.length when none yet). */
  startIndex(filter: StartFilter): number {
    if (filter.kind === 'latest') return this.events.length;
    return this.firstIndex((e) => admits(filter, e));
  }

  properties(): PartitionProperties {
    const last = this.events[this.events.length - 1];
    return {
      beginSequenceNumber: 0,
      lastSequenceNumber: last ? last.sequenceNumber : -1,
      lastOffset: last ? last.offset : -1,
      lastEnqueuedTimeMs: last ? last.enqueuedTimeMs : 0,
      isEmpty: last === undefined,
    };
  }

  /** Binary search: every field the filters compare grows monotonically with the index. */
  private firstIndex(pred: (e: StoredEvent) => boolean): number {
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pred(this.events[mid]!)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

function admits(filter: Exclude<StartFilter, { kind: 'latest' }>, e: StoredEvent): boolean {
  const [actual, bound] =
    filter.kind === 'offset'
      ? [e.offset, filter.value]
      : filter.kind === 'sequence'
        ? [e.sequenceNumber, filter.value]
        : [e.enqueuedTimeMs, filter.valueMs];
  return filter.inclusive ? actual >= bound : actual > bound;
}
