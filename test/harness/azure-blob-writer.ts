import type { BlobServiceClient, BlockBlobClient } from '@azure/storage-blob';

/**
 * Writes PT1H.json blobs the way Azure Network Watcher does (docs/reference/flow-logs.md §1c): a 12-byte head block
 * `{"records":[`, one block per minute inserted just before the 2-byte tail block `]}`, and the whole
 * block list re-committed after every append. NSG flow log v2 and VNet flow log (v4) records, one
 * blob per flow-log resource × MAC × UTC hour, paths as Azure names them.
 * @see https://learn.microsoft.com/azure/network-watcher/flow-logs-read
 */
export interface FlowLogStream {
  kind: 'nsg' | 'vnet';
  subscription: string;
  resourceGroup: string;
  /** NSG name (nsg) or flow-log name (vnet). */
  name: string;
}

export interface AppendOptions {
  tuples?: number;
  /** Write a block whose record is cut off mid-JSON (a malformed block). */
  malformed?: boolean;
}

export interface AppendResult {
  container: string;
  blobName: string;
  /** Tuples in the appended block (0 for a malformed block). */
  tuples: number;
  bytes: number;
}

export const NSG_CONTAINER = 'insights-logs-networksecuritygroupflowevent';
export const VNET_CONTAINER = 'insights-logs-flowlogflowevent';
const HEAD = '{"records":[';
const TAIL = ']}';

const blockId = (letter: string, n: number) =>
  Buffer.from(`${letter}${n.toString(16).toUpperCase().padStart(32, '0')}`).toString('base64');

export class AzureBlobWriter {
  readonly #service: BlobServiceClient;
  /** blob → committed data block ids (head and tail excluded). */
  readonly #blocks = new Map<string, string[]>();
  #nextBlock = 1;
  totalTuples = 0;

  constructor(service: BlobServiceClient) {
    this.#service = service;
  }

  async ensureContainers(): Promise<void> {
    for (const c of [NSG_CONTAINER, VNET_CONTAINER])
      await this.#service.getContainerClient(c).createIfNotExists();
  }

  /** Deletes a blob and forgets its blocks: the next append starts it again with new block ids. */
  async recreate(stream: FlowLogStream, mac: string, timeMs: number): Promise<void> {
    const container = stream.kind === 'nsg' ? NSG_CONTAINER : VNET_CONTAINER;
    const blobName = blobPath(stream, mac, timeMs);
    await this.#service.getContainerClient(container).getBlockBlobClient(blobName).deleteIfExists();
    this.#blocks.delete(`${container}/${blobName}`);
  }

  /** Appends one minute of records for `mac` at `timeMs` and re-commits the block list. */
  async append(
    stream: FlowLogStream,
    mac: string,
    timeMs: number,
    opts: AppendOptions = {},
  ): Promise<AppendResult> {
    const container = stream.kind === 'nsg' ? NSG_CONTAINER : VNET_CONTAINER;
    const blobName = blobPath(stream, mac, timeMs);
    const blob = this.#service.getContainerClient(container).getBlockBlobClient(blobName);
    const key = `${container}/${blobName}`;
    let ids = this.#blocks.get(key);
    if (!ids) {
      ids = [];
      this.#blocks.set(key, ids);
      await blob.stageBlock(blockId('A', 0), HEAD, HEAD.length);
      await blob.stageBlock(blockId('Z', 0), TAIL, TAIL.length);
    }
    const tuples = opts.malformed ? 0 : (opts.tuples ?? 3);
    const record = opts.malformed
      ? `{"time":"${new Date(timeMs).toISOString()}","properties":{"flows":[{"rule":"x","flows":[{"mac":"${mac}","flowTuples":["1,2`
      : JSON.stringify(makeRecord(stream, mac, timeMs, tuples));
    const text = (ids.length ? ',' : '') + record;
    const id = blockId('D', this.#nextBlock++);
    await blob.stageBlock(id, text, Buffer.byteLength(text));
    ids.push(id);
    await commit(blob, ids);
    this.totalTuples += tuples;
    return { container, blobName, tuples, bytes: Buffer.byteLength(text) };
  }
}

async function commit(blob: BlockBlobClient, ids: string[]): Promise<void> {
  await blob.commitBlockList([blockId('A', 0), ...ids, blockId('Z', 0)], {
    blobHTTPHeaders: { blobContentType: 'application/json' },
  });
}

export function blobPath(stream: FlowLogStream, mac: string, timeMs: number): string {
  const d = new Date(timeMs);
  const p = (n: number) => String(n).padStart(2, '0');
  const date = `y=${d.getUTCFullYear()}/m=${p(d.getUTCMonth() + 1)}/d=${p(d.getUTCDate())}/h=${p(d.getUTCHours())}/m=00`;
  const sub = stream.subscription.toUpperCase();
  const root =
    stream.kind === 'nsg'
      ? `resourceId=/SUBSCRIPTIONS/${sub}/RESOURCEGROUPS/${stream.resourceGroup.toUpperCase()}/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/${stream.name.toUpperCase()}`
      : `flowLogResourceID=/${sub}_NETWORKWATCHERRG/NETWORKWATCHER_EASTUS_${stream.name.toUpperCase()}`;
  return `${root}/${date}/macAddress=${mac.toUpperCase()}/PT1H.json`;
}

/** One record carrying `tuples` distinct tuples, timestamps a few seconds before `timeMs`. */
export function makeRecord(stream: FlowLogStream, mac: string, timeMs: number, tuples: number): object {
  const minute = Math.floor(timeMs / 60_000);
  const rows = Array.from({ length: tuples }, (_, i) => {
    const ts = timeMs - 5_000 - i;
    const src = `203.0.${minute % 250}.${(i % 250) + 1}`;
    const port = 1024 + ((minute * 7 + i) % 60_000);
    return stream.kind === 'nsg'
      ? `${Math.floor(ts / 1000)},${src},10.0.0.4,${port},22,T,I,D,B,,,,`
      : `${ts},${src},10.1.0.4,${port},443,6,I,E,NX,2,120,1,60`;
  });
  const time = new Date(timeMs).toISOString().replace('Z', '0000Z');
  if (stream.kind === 'nsg') {
    return {
      time,
      systemId: '11111111-2222-3333-4444-555555555555',
      macAddress: mac,
      category: 'NetworkSecurityGroupFlowEvent',
      resourceId: `/SUBSCRIPTIONS/${stream.subscription.toUpperCase()}/RESOURCEGROUPS/${stream.resourceGroup.toUpperCase()}/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/${stream.name.toUpperCase()}`,
      operationName: 'NetworkSecurityGroupFlowEvents',
      properties: {
        Version: 2,
        flows: [{ rule: 'DefaultRule_DenyAllInBound', flows: [{ mac, flowTuples: rows }] }],
      },
    };
  }
  return {
    time,
    flowLogVersion: 4,
    flowLogGUID: '66666666-7777-8888-9999-000000000000',
    macAddress: mac,
    category: 'FlowLogFlowEvent',
    flowLogResourceID: `/SUBSCRIPTIONS/${stream.subscription.toUpperCase()}/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_EASTUS/FLOWLOGS/${stream.name.toUpperCase()}`,
    targetResourceID: `/subscriptions/${stream.subscription}/resourceGroups/${stream.resourceGroup}/providers/Microsoft.Network/virtualNetworks/vnet1`,
    operationName: 'FlowLogFlowEvent',
    flowRecords: {
      flows: [
        {
          aclID: `/subscriptions/${stream.subscription}/resourceGroups/${stream.resourceGroup}/providers/Microsoft.Network/networkSecurityGroups/nsg1`,
          flowGroups: [{ rule: 'UserRule_AllowHttps', flowTuples: rows }],
        },
      ],
    },
  };
}
