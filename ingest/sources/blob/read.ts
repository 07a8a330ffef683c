import { createHash } from 'node:crypto';
import type { BlobClient } from '@azure/storage-blob';
import type { NormalizeMeta, SourcePosition } from '../../contracts.js';
import type { ByteRange } from './cursor.js';

/**
 * Downloads one byte range with a ranged GET (`x-ms-range`, HTTP 206): only the new bytes travel.
 * @see https://learn.microsoft.com/rest/api/storageservices/specifying-the-range-header-for-blob-service-operations
 */
export async function downloadRange(
  blob: BlobClient,
  range: ByteRange,
  signal?: AbortSignal,
): Promise<Buffer> {
  const res = await blob.download(
    range.start,
    range.end - range.start,
    signal ? { abortSignal: signal } : {},
  );
  const stream = res.readableStreamBody;
  if (!stream) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

export interface RangeBody {
  /** Digest of the downloaded bytes (recorded in the cursor once durable). */
  sum: string;
  body: Buffer;
  position: SourcePosition;
  meta: NormalizeMeta;
}

/**
 * Turns downloaded bytes into a batch body. The leading comma of a non-first block is dropped
 * (docs/reference/flow-logs.md §1c step 4) and `baseOffset` moves with it, so record offsets stay absolute.
 * The position key is the blob (`<account>/<container>/<name>`), so a replay of the same range
 * repeats the insert deduplication token and adds no rows. Only when a re-read after a reset finds
 * different bytes where an earlier range was (`previousSum` differs) does the key get `@<digest>`,
 * so the new content is not dropped as a duplicate of the old.
 */
export function rangeBody(
  source: string,
  cursorKey: string,
  blobName: string,
  range: ByteRange,
  bytes: Buffer,
  previousSum?: string,
): RangeBody {
  const sum = createHash('sha1').update(bytes).digest('hex').slice(0, 12);
  const comma = bytes[0] === 0x2c ? 1 : 0;
  const key = previousSum !== undefined && previousSum !== sum ? `${cursorKey}@${sum}` : cursorKey;
  return {
    sum,
    body: comma ? bytes.subarray(1) : bytes,
    position: { kind: 'blob', key, start: range.start, end: range.end },
    meta: { source, baseOffset: range.start + comma, blobName },
  };
}

/** Runs `fn` over `items` keeping up to `limit` in flight; results come back in input order. */
export async function* prefetchOrdered<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): AsyncGenerator<{ item: T; result?: R; error?: unknown }> {
  const settle = (item: T) =>
    fn(item).then(
      (result) => ({ item, result }),
      (error: unknown) => ({ item, error }),
    );
  const queue: Promise<{ item: T; result?: R; error?: unknown }>[] = [];
  let next = 0;
  while (next < items.length && queue.length < limit) queue.push(settle(items[next++]!));
  while (queue.length) {
    const done = await queue.shift()!;
    if (next < items.length) queue.push(settle(items[next++]!));
    yield done;
  }
}
