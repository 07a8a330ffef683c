import type { FramedMessage } from './frame.js';

/**
 * Cutting a partition's message stream into offset ranges, one insert each.
 *
 * Exactly-once rows need a replay after a crash to re-form *the same* ranges (the insert
 * deduplication token is `kafka:<topic>/<partition>:<start>-<end>`, docs/architecture.md). Ranges
 * close on size or on a linger timer, so they are not a function of the stream alone; instead every
 * range is recorded before it is written: the committed offset's metadata lists the ends of the
 * ranges in flight ({@link encodePending}). A consumer that takes the partition over (restart or
 * rebalance) reads that list and first re-forms exactly those ranges ({@link RangeAccumulator} with
 * `replayEnds`), then cuts freely again.
 * @see https://kafka.apache.org/protocol#The_Messages_OffsetCommit (committed offset metadata)
 */
export interface ClosedRange {
  /** First offset of the range: the previous range's end (or the committed offset at takeover). */
  start: number;
  /** Exclusive end: last message offset + 1, or the recorded end on replay. */
  end: number;
  messages: FramedMessage[];
  bytes: number;
}

export interface RangeLimits {
  maxMessages: number;
  maxBytes: number;
}

const PREFIX = 'flowlens:v1:pending=';

export function encodePending(ends: readonly number[]): string {
  return ends.length ? `${PREFIX}${ends.join(',')}` : '';
}

/** Ends recorded after `committed`; anything malformed or foreign reads as "nothing pending". */
export function decodePending(metadata: string | null | undefined, committed: number): number[] {
  if (!metadata?.startsWith(PREFIX) || committed < 0) return [];
  const ends = metadata.slice(PREFIX.length).split(',').map(Number);
  let previous = committed;
  for (const e of ends) {
    if (!Number.isSafeInteger(e) || e <= previous) return [];
    previous = e;
  }
  return ends;
}

export class RangeAccumulator {
  private messages: FramedMessage[] = [];
  private bytes = 0;
  private readonly replayEnds: number[];
  /**
   * Where the next range starts: the committed offset at takeover, then each range's end. Ranges
   * tile the offset space, so a replay computes the same starts even across offset gaps
   * (compaction, transaction markers). -1 until known (no commit yet: the first message's offset).
   */
  private cursor: number;
  private lastOffset = -1;

  constructor(
    private readonly limits: RangeLimits,
    replayEnds: readonly number[] = [],
    committed = -1,
  ) {
    this.replayEnds = [...replayEnds];
    this.cursor = committed;
  }

  get replaying(): boolean {
    return this.replayEnds.length > 0;
  }

  get openMessages(): number {
    return this.messages.length;
  }

  /**
   * Adds a message in offset order; returns the ranges this closes (before and/or after it).
   * A message at or below one already taken (a re-delivered fetch) is ignored, so it can never
   * land in two ranges.
   */
  push(m: FramedMessage): ClosedRange[] {
    if (m.offset <= this.lastOffset || (this.cursor >= 0 && m.offset < this.cursor)) return [];
    this.lastOffset = m.offset;
    const closed: ClosedRange[] = [];
    while (this.replayEnds.length && m.offset >= this.replayEnds[0]!) {
      closed.push(this.close(this.replayEnds.shift()!));
    }
    if (this.cursor < 0) this.cursor = m.offset;
    this.messages.push(m);
    this.bytes += m.value.length;
    const target = this.replayEnds[0];
    if (target !== undefined) {
      if (m.offset + 1 >= target) closed.push(this.close(this.replayEnds.shift()!));
    } else if (this.messages.length >= this.limits.maxMessages || this.bytes >= this.limits.maxBytes) {
      closed.push(this.close(m.offset + 1));
    }
    return closed;
  }

  /**
   * Linger expiry (or the partition's end reached with at least `minBytes` open): closes the open
   * range, unless a recorded range is still being re-formed.
   */
  flush(minBytes = 0): ClosedRange | undefined {
    if (this.replayEnds.length || !this.messages.length || this.bytes < minBytes) return undefined;
    return this.close(this.messages[this.messages.length - 1]!.offset + 1);
  }

  /** A replayed range may close empty (its messages deleted by retention): it is still returned, to be settled. */
  private close(end: number): ClosedRange {
    const r = { start: this.cursor, end, messages: this.messages, bytes: this.bytes };
    this.messages = [];
    this.bytes = 0;
    this.cursor = end;
    return r;
  }
}
