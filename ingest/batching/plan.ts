import { createHash } from 'node:crypto';

/**
 * Coalescing rules (docs/ingest.md "Batching"). Pure: no I/O, no clock; the writer passes the time.
 * Config `ingest.coalesce.*`; the defaults are in core/config/schema.ts and here.
 */
export interface CoalesceLimits {
  /** A batch is flushed once it holds this many rows; a member this large is always written alone. */
  maxRows: number;
  /** A batch is flushed once its members' bodies add up to this many bytes. */
  maxBytes: number;
  /** A batch is flushed this long after its first member arrived, however small. */
  maxDelayMs: number;
  /**
   * A batch is flushed when no range arrived for this long: the source is waiting (for its next
   * poll, or for acks, as Event Hubs and Kafka partitions do), so holding the batch only adds delay.
   */
  idleMs: number;
  /** How long a re-formed batch waits for members that have not come back after a restart. */
  recoveryWaitMs: number;
}

export const DEFAULT_COALESCE: CoalesceLimits = {
  maxRows: 200_000,
  maxBytes: 64 * 1024 * 1024,
  maxDelayMs: 1000,
  idleMs: 50,
  recoveryWaitMs: 30_000,
};

export interface Sized {
  rows: number;
  bytes: number;
}

/**
 * A member with at least `maxRows` rows is written alone under its own position token, with no
 * membership record: the same range normalizes to the same rows, so a replay is alone again.
 */
export function isSolo(member: Sized, limits: CoalesceLimits): boolean {
  return member.rows >= limits.maxRows;
}

/** Whether adding `next` would take the buffer past a limit (then the buffer is flushed first). */
export function wouldOverflow(buffer: Sized, next: Sized, limits: CoalesceLimits): boolean {
  return (
    buffer.rows > 0 &&
    (buffer.rows + next.rows > limits.maxRows || buffer.bytes + next.bytes > limits.maxBytes)
  );
}

/** Whether the buffer has reached a limit and is flushed now. */
export function isFull(buffer: Sized, limits: CoalesceLimits): boolean {
  return buffer.rows >= limits.maxRows || buffer.bytes >= limits.maxBytes;
}

/**
 * The deduplication token of a batch: a batch of one member keeps the member's own position token
 * (what a write without batching used, so ranges stored before batching existed still deduplicate);
 * a larger batch is named by a digest of its member tokens in order.
 */
export function batchToken(members: readonly string[]): string {
  if (members.length === 1) return members[0]!;
  const h = createHash('sha256');
  for (const m of members) h.update(m).update('\n');
  return `batch:${h.digest('hex').slice(0, 40)}`;
}

/** A batch as recorded before its write. */
export interface RecordedBatch {
  batchId: string;
  members: readonly string[];
  /** When it was recorded (ms), to pick the newest when a member was recorded twice. */
  createdMs: number;
  /** Its rows and rejects were durable before any member was acked. */
  written: boolean;
}

/**
 * Which recorded batch each arriving member belongs to. A member recorded in two batches (its first
 * batch never completed and it was written again in a new one) belongs to the newest.
 */
export function claim(
  tokens: readonly string[],
  recorded: readonly RecordedBatch[],
): Map<string, RecordedBatch> {
  const wanted = new Set(tokens);
  const out = new Map<string, RecordedBatch>();
  const newestFirst = [...recorded].sort((a, b) => b.createdMs - a.createdMs);
  for (const batch of newestFirst)
    for (const m of batch.members) if (wanted.has(m) && !out.has(m)) out.set(m, batch);
  return out;
}

/** Members of `batch` still missing from `have`. */
export function missing(batch: RecordedBatch, have: ReadonlySet<string>): string[] {
  return batch.members.filter((m) => !have.has(m));
}

/**
 * Splits a committed-row difference per source label across the members carrying that label, in
 * member order: each member gets up to its own row count. Exact whenever a member is stored whole
 * or not at all, which is what one insert with one token does.
 */
export function attribute(
  members: readonly { label: string; rows: number }[],
  stored: ReadonlyMap<string, number>,
): number[] {
  const left = new Map(stored);
  return members.map((m) => {
    const available = Math.max(0, left.get(m.label) ?? 0);
    const taken = Math.min(m.rows, available);
    left.set(m.label, available - taken);
    return taken;
  });
}
