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
  body: Buffer;
  position: SourcePosition;
  meta: NormalizeMeta;
}

/**
 * Turns downloaded bytes into a batch body. The leading comma of a non-first block is dropped
 * (FLOW-LOGS.md §1c step 4) and `baseOffset` moves with it, so record offsets stay absolute.
 * The position key carries a digest of the bytes: a replay of the same range with the same bytes
 * repeats the insert deduplication token (no new rows), while a rewritten blob whose new bytes
 * happen to fall on an old range gets a new token instead of being dropped as a duplicate.
 */
export function rangeBody(
  source: string,
  cursorKey: string,
  blobName: string,
  range: ByteRange,
  bytes: Buffer,
): RangeBody {
  const digest = createHash('sha1').update(bytes).digest('hex').slice(0, 12);
  const comma = bytes[0] === 0x2c ? 1 : 0;
  return {
    body: comma ? bytes.subarray(1) : bytes,
    position: { kind: 'blob', key: `${cursorKey}#${digest}`, start: range.start, end: range.end },
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
