import type { BlockBlobClient, ContainerClient } from '@azure/storage-blob';
import type { PendingRange } from './ranges.js';

/**
 * The recent ranges of one partition, one small blob next to the SDK's own checkpoint blobs
 * (`<namespace>/<hub>/<consumer group>/checkpoint/<partition>`, lower-cased):
 * `<namespace>/<hub>/<consumer group>/flowlens-ranges/<partition>`, JSON
 * `{"owner":…,"ranges":[[start,end],…]}` with the last {@link KEEP} ranges.
 *
 * It is also a fence. Claiming rewrites the blob (conditional on the ETag just read); every later
 * record is conditional on the ETag of our own last write. So once a new owner has claimed, the old
 * one's next record fails with 412 ({@link FencedError}) and it stops handing out ranges: the new
 * owner has seen every range the old one may still write, and re-forms them identically.
 * @see https://learn.microsoft.com/rest/api/storageservices/specifying-conditional-headers-for-blob-service-operations
 */
export const KEEP = 64;

export class FencedError extends Error {
  constructor(partitionId: string) {
    super(`partition ${partitionId} was claimed by another consumer`);
    this.name = 'FencedError';
  }
}

export class RangeLog {
  private constructor(
    private readonly blob: BlockBlobClient,
    private readonly partitionId: string,
    private readonly owner: string,
    private etag: string,
    private list: PendingRange[],
  ) {}

  static blobName(namespace: string, hub: string, consumerGroup: string, partitionId: string): string {
    return `${namespace}/${hub}/${consumerGroup}/flowlens-ranges/`.toLowerCase() + partitionId;
  }

  /** Reads the recorded ranges and fences out any earlier owner. */
  static async claim(
    container: ContainerClient,
    name: string,
    partitionId: string,
    owner: string,
  ): Promise<RangeLog> {
    const blob = container.getBlockBlobClient(name);
    for (let attempt = 0; ; attempt += 1) {
      const { etag, ranges } = await read(blob);
      const log = new RangeLog(blob, partitionId, owner, etag ?? '', ranges);
      try {
        await log.write(ranges, etag === undefined ? { ifNoneMatch: '*' } : { ifMatch: etag });
        return log;
      } catch (err) {
        // Someone wrote between our read and our claim: read again (bounded, then give up).
        if (!isConflict(err) || attempt >= 4) throw err;
      }
    }
  }

  get ranges(): readonly PendingRange[] {
    return this.list;
  }

  /** Records a range before it is handed out; throws FencedError once another owner claimed. */
  async record(range: PendingRange): Promise<void> {
    const next = [...this.list, { start: range.start, end: range.end }].slice(-KEEP);
    try {
      await this.write(next, { ifMatch: this.etag });
    } catch (err) {
      if (isConflict(err)) throw new FencedError(this.partitionId);
      throw err;
    }
  }

  private async write(ranges: PendingRange[], conditions: { ifMatch?: string; ifNoneMatch?: string }) {
    const text = JSON.stringify({ owner: this.owner, ranges: ranges.map((r) => [r.start, r.end]) });
    const res = await this.blob.upload(text, Buffer.byteLength(text), { conditions });
    this.etag = res.etag ?? '';
    this.list = ranges;
  }
}

async function read(blob: BlockBlobClient): Promise<{ etag: string | undefined; ranges: PendingRange[] }> {
  try {
    const res = await blob.download();
    const body = await streamText(res.readableStreamBody);
    return { etag: res.etag, ranges: parseRanges(body) };
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return { etag: undefined, ranges: [] };
    throw err;
  }
}

/** Anything malformed reads as "no ranges" (the cost is at most a duplicated range or two). */
export function parseRanges(text: string): PendingRange[] {
  try {
    const v = JSON.parse(text) as { ranges?: unknown };
    if (!Array.isArray(v.ranges)) return [];
    const out: PendingRange[] = [];
    for (const r of v.ranges) {
      if (!Array.isArray(r)) return [];
      const [start, end] = r as unknown[];
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || (start as number) >= (end as number))
        return [];
      out.push({ start: start as number, end: end as number });
    }
    return out;
  } catch {
    return [];
  }
}

function isConflict(err: unknown): boolean {
  const status = (err as { statusCode?: number }).statusCode;
  return status === 412 || status === 409;
}

async function streamText(stream: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!stream) return '';
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
