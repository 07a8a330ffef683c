import { createHash } from 'node:crypto';

/**
 * Cursor math for tailing PT1H.json by its committed block list. Pure: no I/O, no clock.
 *
 * Azure writes a 12-byte head block `{"records":[`, then inserts every new block just before the
 * 2-byte tail block `]}` and re-commits the list, so the bytes before the tail only ever grow and
 * earlier offsets stay stable (docs/reference/flow-logs.md §1c). A read covers `[offset, end)` where `end` is the sum
 * of all committed blocks but the tail.
 * @see https://learn.microsoft.com/rest/api/storageservices/get-block-list
 */
export interface CommittedBlock {
  /** Base64 block id as listed. */
  id: string;
  size: number;
}

export interface ByteRange {
  start: number;
  end: number;
}

/** Ranges chosen but not yet confirmed durable. Re-read exactly these after a crash. */
export interface PendingPlan {
  start: number;
  /** Range ends, ascending: ranges are `[start, ends[0])`, `[ends[0], ends[1])`, … */
  ends: number[];
  /** Committed blocks covering `[0, last end)` and their digest, for the next extension check. */
  blocks: number;
  digest: string;
  etag: string;
  reset: boolean;
}

/** Persisted per blob in `ingest_positions.position` (JSON). */
export interface BlobCursor {
  v: 1;
  etag: string;
  /** Bytes `[0, offset)` are ingested (head included). */
  offset: number;
  /** Committed blocks covering `[0, offset)`; `-1` for a blob read whole (no Azure block layout). */
  blocks: number;
  digest: string;
  /** Ends of every range ingested, ascending: a re-read after a reset cuts at the same places, so
   * insert deduplication tokens (source positions) repeat and identical bytes add no rows. */
  cuts: number[];
  /** Digest of the bytes of each range in `cuts` (same index; '' when unknown). A re-read after a
   * reset compares against it: same bytes → same position (deduplicated), new bytes → new key. */
  sums: string[];
  pending?: PendingPlan;
}

export interface PlanOptions {
  /** Largest range per batch; ranges are cut on block boundaries (a single larger block stays whole). */
  maxRangeBytes: number;
}

export type ReadPlan =
  | { kind: 'none'; cursor: BlobCursor | undefined }
  | { kind: 'read'; ranges: ByteRange[]; cursor: BlobCursor; reset: boolean };

const HEAD_BYTES = 12; // `{"records":[`
const TAIL_BYTES = 2; // `]}`
const MAX_CUTS = 2000;

/** True when the list has Azure's flow-log layout (12-byte head, data blocks, 2-byte tail). */
export function isAppendLayout(blocks: readonly CommittedBlock[]): boolean {
  return blocks.length >= 2 && blocks[0]!.size === HEAD_BYTES && blocks.at(-1)!.size === TAIL_BYTES;
}

export function blocksDigest(blocks: readonly CommittedBlock[], count: number): string {
  const h = createHash('sha1');
  for (let i = 0; i < count; i++) h.update(`${blocks[i]!.id}/${blocks[i]!.size};`);
  return h.digest('hex').slice(0, 20);
}

/**
 * Decides what to read next from a blob given its committed block list.
 * - a pending plan (crash before confirmation) is replayed exactly while the list still extends it;
 * - a list that extends the cursor's blocks yields `[offset, end)`;
 * - anything else (shrunk, rewritten, new) re-reads from the head, cutting where earlier reads cut.
 * Blobs without the append layout (uploaded whole, e.g. by azcopy) are read whole when their ETag changes.
 */
export function planRead(
  prev: BlobCursor | undefined,
  blocks: readonly CommittedBlock[],
  etag: string,
  contentLength: number,
  opts: PlanOptions,
): ReadPlan {
  if (!isAppendLayout(blocks)) return planWhole(prev, etag, contentLength);
  const tailIdx = blocks.length - 1;
  const boundaries = cumulative(blocks, tailIdx);
  const end = boundaries[tailIdx - 1]!;
  const digest = blocksDigest(blocks, tailIdx);
  const pending = prev?.pending;
  if (pending && extendsBlocks(blocks, pending.blocks, pending.digest)) {
    // The plan keeps the ETag it was made for: the replay reads only up to the old end, so the
    // next poll must still see the blob as changed and read what arrived since.
    return {
      kind: 'read',
      ranges: rangesFromEnds(pending.start, pending.ends),
      cursor: prev!,
      reset: pending.reset,
    };
  }
  if (prev && !pending && prev.blocks >= 0 && extendsBlocks(blocks, prev.blocks, prev.digest)) {
    if (end <= prev.offset) return { kind: 'none', cursor: { ...prev, etag } };
    // Cuts remembered from before a reset lie ahead of the offset: reading up to them again keeps
    // the deduplication tokens of a blob rewritten with the same bytes, however it is polled.
    const known = new Set(boundaries);
    const ahead = prev.cuts.filter((c) => c > prev.offset && c <= end && known.has(c));
    const from = ahead.at(-1) ?? prev.offset;
    const ends = [...ahead, ...(end > from ? splitEnds(from, end, boundaries, opts.maxRangeBytes) : [])];
    const plan = { start: prev.offset, ends, blocks: tailIdx, digest, etag, reset: false };
    return {
      kind: 'read',
      ranges: rangesFromEnds(prev.offset, ends),
      cursor: { ...prev, pending: plan },
      reset: false,
    };
  }
  // New blob, or one that no longer extends what we read: start over at the head.
  const head = boundaries[0]!;
  if (end <= head && !prev) return { kind: 'none', cursor: undefined };
  const kept = keptCuts(prev, head, end, new Set(boundaries));
  const ends = [...kept];
  const from = kept.at(-1) ?? head;
  if (end > from) ends.push(...splitEnds(from, end, boundaries, opts.maxRangeBytes));
  const base = prev ?? emptyCursor(etag);
  const reset = prev !== undefined;
  if (!ends.length)
    return {
      kind: 'none',
      cursor: { ...base, etag, offset: head, blocks: 1, digest: blocksDigest(blocks, 1), cuts: [], sums: [] },
    };
  const plan = { start: head, ends, blocks: tailIdx, digest, etag, reset };
  return { kind: 'read', ranges: rangesFromEnds(head, ends), cursor: { ...base, pending: plan }, reset };
}

/**
 * The cursor once every range of its pending plan is durable; `sums[i]` digests range i's bytes.
 * Cuts beyond the new offset (left by a longer read before a reset) are kept, so a blob rewritten
 * with the same bytes is cut at the same places however its re-read is split across polls.
 */
export function confirmPlan(cursor: BlobCursor, sums: readonly string[] = []): BlobCursor {
  const p = cursor.pending;
  if (!p) return cursor;
  const offset = p.ends.at(-1) ?? p.start;
  const old = padded(cursor);
  const behind = p.reset ? [] : cursor.cuts.flatMap((c, i) => (c <= p.start ? [[c, old[i]!] as const] : []));
  const ahead = cursor.cuts.flatMap((c, i) => {
    if (c <= offset) return [];
    // A range's digest holds only while the range still starts where it did (at or past the offset).
    const start = i === 0 ? undefined : cursor.cuts[i - 1];
    return [[c, start !== undefined && start >= offset ? old[i]! : ''] as const];
  });
  const done = p.ends.map((e, i) => [e, sums[i] ?? ''] as const);
  const all = [...behind, ...done, ...ahead].slice(-MAX_CUTS);
  return {
    v: 1,
    etag: p.etag,
    offset,
    blocks: p.blocks,
    digest: p.digest,
    cuts: all.map(([c]) => c),
    sums: all.map(([, s]) => s),
  };
}

/** Digest recorded for the range `[start, end)` when it was last ingested, if it was a range then. */
export function previousSum(cursor: BlobCursor, start: number, end: number): string | undefined {
  const i = cursor.cuts.indexOf(end);
  if (i < 0) return undefined;
  const from = i === 0 ? undefined : cursor.cuts[i - 1];
  if (from !== undefined && from !== start) return undefined;
  return cursor.sums[i] || undefined;
}

function padded(cursor: BlobCursor): string[] {
  return cursor.cuts.map((_, i) => cursor.sums[i] ?? '');
}

function planWhole(prev: BlobCursor | undefined, etag: string, contentLength: number): ReadPlan {
  if (prev?.pending) {
    return {
      kind: 'read',
      ranges: rangesFromEnds(prev.pending.start, prev.pending.ends),
      cursor: prev,
      reset: prev.pending.reset,
    };
  }
  if (prev && prev.etag === etag) return { kind: 'none', cursor: prev };
  if (contentLength <= 0) return { kind: 'none', cursor: prev };
  const plan: PendingPlan = {
    start: 0,
    ends: [contentLength],
    blocks: -1,
    digest: '',
    etag,
    reset: prev !== undefined,
  };
  const base = prev ?? emptyCursor(etag);
  return {
    kind: 'read',
    ranges: [{ start: 0, end: contentLength }],
    cursor: { ...base, pending: plan },
    reset: plan.reset,
  };
}

function emptyCursor(etag: string): BlobCursor {
  return { v: 1, etag, offset: 0, blocks: 0, digest: blocksDigest([], 0), cuts: [], sums: [] };
}

function extendsBlocks(blocks: readonly CommittedBlock[], count: number, digest: string): boolean {
  return count >= 1 && count <= blocks.length - 1 && blocksDigest(blocks, count) === digest;
}

/** `out[i]` = byte offset after block i, for blocks `[0, count)`. */
function cumulative(blocks: readonly CommittedBlock[], count: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < count; i++) {
    sum += blocks[i]!.size;
    out.push(sum);
  }
  return out;
}

/** Earlier cuts (done and pending) that are still block boundaries inside `(head, end]`. */
function keptCuts(
  prev: BlobCursor | undefined,
  head: number,
  end: number,
  boundaries: Set<number>,
): number[] {
  if (!prev) return [];
  const all = new Set([...prev.cuts, ...(prev.pending?.ends ?? [])]);
  return [...all].filter((c) => c > head && c <= end && boundaries.has(c)).sort((a, b) => a - b);
}

/** Range ends from `start` to `end`, each range as large as possible up to `max`, cut on block boundaries. */
function splitEnds(start: number, end: number, boundaries: readonly number[], max: number): number[] {
  const ends: number[] = [];
  let from = start;
  let last = start;
  for (const b of boundaries) {
    if (b <= from) continue;
    if (b > end) break;
    if (b - from > max && last > from) {
      ends.push(last);
      from = last;
    }
    last = b;
  }
  if (end > from) ends.push(end);
  return ends;
}

function rangesFromEnds(start: number, ends: readonly number[]): ByteRange[] {
  const out: ByteRange[] = [];
  let from = start;
  for (const e of ends) {
    out.push({ start: from, end: e });
    from = e;
  }
  return out;
}

export { HEAD_BYTES, TAIL_BYTES };
