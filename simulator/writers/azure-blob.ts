import type { ContainerClient } from '@azure/storage-blob';
import type { SimulatedRecord } from '../simulation.js';

const HEAD = Buffer.from('{"records":[');
const TAIL = Buffer.from(']}');
const blockId = (letter: string, n: number) =>
  Buffer.from(`${letter}${n.toString(16).padStart(32, '0')}`).toString('base64');
const HEAD_ID = blockId('A', 0);
const TAIL_ID = blockId('Z', 0);

/**
 * Appends records to PT1H.json block blobs the way Azure does: a 12-byte head block `{"records":[`,
 * one data block per minute inserted before the 2-byte tail block `]}`, and the whole block list
 * re-committed each time, so every committed version is valid JSON (docs/reference/flow-logs.md §1c).
 * @see https://learn.microsoft.com/rest/api/storageservices/put-block-list
 */
export class AzureLikeBlobWriter {
  /** Committed data block ids per blob (container/blob). */
  private readonly blocks = new Map<string, string[]>();

  constructor(private readonly containers: (name: string) => ContainerClient) {}

  /** Appends one minute: one new block per blob that got records. */
  async append(records: SimulatedRecord[]): Promise<void> {
    const byBlob = new Map<string, { container: string; blob: string; texts: string[] }>();
    for (const r of records) {
      const key = `${r.container}/${r.blob}`;
      const entry = byBlob.get(key) ?? { container: r.container, blob: r.blob, texts: [] };
      entry.texts.push(JSON.stringify(r.record));
      byBlob.set(key, entry);
    }
    await Promise.all(
      [...byBlob.entries()].map(([key, e]) => this.appendBlock(key, e.container, e.blob, e.texts)),
    );
  }

  private async appendBlock(key: string, container: string, blob: string, texts: string[]): Promise<void> {
    const client = this.containers(container).getBlockBlobClient(blob);
    const committed = this.blocks.get(key) ?? [];
    const first = committed.length === 0;
    const body = Buffer.from(`${first ? '' : ','}${texts.join('\r\n,')}`);
    const id = blockId('D', committed.length + 1);
    if (first) {
      await client.stageBlock(HEAD_ID, HEAD, HEAD.length);
      await client.stageBlock(TAIL_ID, TAIL, TAIL.length);
    }
    await client.stageBlock(id, body, body.length);
    const next = [...committed, id];
    await client.commitBlockList([HEAD_ID, ...next, TAIL_ID], {
      blobHTTPHeaders: { blobContentType: 'application/json' },
    });
    this.blocks.set(key, next);
  }
}

export async function ensureContainers(
  containers: (name: string) => ContainerClient,
  names: string[],
): Promise<void> {
  for (const name of names) await containers(name).createIfNotExists();
}
