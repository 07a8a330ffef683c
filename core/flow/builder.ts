import type { FlowColumns } from './batch.js';
import type { FlowContext } from './context.js';

/** The typed arrays of a batch, without its length and dictionaries. */
export type ColumnArrays = Omit<FlowColumns, 'length' | 'contexts' | 'encryptions'>;

/**
 * Appends tuples into growable typed arrays. A normalizer calls {@link FlowBatchBuilder.next}
 * to reserve a row, writes each column at that index, and {@link FlowBatchBuilder.finish} hands out
 * trimmed views. Memory is ~110 bytes per row.
 */
export class FlowBatchBuilder {
  length = 0;
  readonly contexts: FlowContext[] = [];
  readonly encryptions: string[] = [''];
  private readonly encryptionIds = new Map<string, number>([['', 0]]);
  private capacity: number;
  cols: ColumnArrays;

  constructor(initialCapacity = 4096) {
    this.capacity = Math.max(16, initialCapacity);
    this.cols = allocateColumns(this.capacity);
  }

  /** Registers a context and returns its id (rows reference it; it may be filled later). */
  addContext(ctx: FlowContext): number {
    this.contexts.push(ctx);
    return this.contexts.length - 1;
  }

  encryptionId(value: string): number {
    let id = this.encryptionIds.get(value);
    if (id === undefined) {
      id = this.encryptions.length;
      if (id > 255) return 0; // a closed set in practice; never let garbage overflow the column
      this.encryptions.push(value);
      this.encryptionIds.set(value, id);
    }
    return id;
  }

  /** Reserves the next row and returns its index. */
  next(): number {
    if (this.length === this.capacity) this.grow();
    return this.length++;
  }

  /** Drops the last reserved row (a tuple that turned out malformed half-way). */
  undo(): void {
    if (this.length > 0) {
      const i = --this.length;
      this.cols.srcIp.fill(0, i * 16, i * 16 + 16);
      this.cols.dstIp.fill(0, i * 16, i * 16 + 16);
    }
  }

  finish(): FlowColumns {
    const n = this.length;
    const c = this.cols;
    return {
      length: n,
      contexts: this.contexts,
      encryptions: this.encryptions,
      ctx: c.ctx.subarray(0, n),
      timeMs: c.timeMs.subarray(0, n),
      srcIp: c.srcIp.subarray(0, n * 16),
      dstIp: c.dstIp.subarray(0, n * 16),
      srcPort: c.srcPort.subarray(0, n),
      dstPort: c.dstPort.subarray(0, n),
      protocol: c.protocol.subarray(0, n),
      direction: c.direction.subarray(0, n),
      action: c.action.subarray(0, n),
      state: c.state.subarray(0, n),
      encryption: c.encryption.subarray(0, n),
      packetsSent: c.packetsSent.subarray(0, n),
      bytesSent: c.bytesSent.subarray(0, n),
      packetsReceived: c.packetsReceived.subarray(0, n),
      bytesReceived: c.bytesReceived.subarray(0, n),
      hasCounters: c.hasCounters.subarray(0, n),
      remoteIsPublic: c.remoteIsPublic.subarray(0, n),
      recordOffset: c.recordOffset.subarray(0, n),
      tupleIndex: c.tupleIndex.subarray(0, n),
    };
  }

  private grow(): void {
    const next = allocateColumns(this.capacity * 2);
    for (const key of Object.keys(next) as (keyof ColumnArrays)[]) {
      (next[key] as Uint8Array).set(this.cols[key] as Uint8Array);
    }
    this.cols = next;
    this.capacity *= 2;
  }
}

/** Zeroed typed arrays for `n` rows (IP columns hold 16 bytes per row). */
export function allocateColumns(n: number): ColumnArrays {
  return {
    ctx: new Uint32Array(n),
    timeMs: new Float64Array(n),
    srcIp: new Uint8Array(n * 16),
    dstIp: new Uint8Array(n * 16),
    srcPort: new Uint16Array(n),
    dstPort: new Uint16Array(n),
    protocol: new Uint8Array(n),
    direction: new Uint8Array(n),
    action: new Uint8Array(n),
    state: new Uint8Array(n),
    encryption: new Uint8Array(n),
    packetsSent: new Float64Array(n),
    bytesSent: new Float64Array(n),
    packetsReceived: new Float64Array(n),
    bytesReceived: new Float64Array(n),
    hasCounters: new Uint8Array(n),
    remoteIsPublic: new Uint8Array(n),
    recordOffset: new Float64Array(n),
    tupleIndex: new Uint32Array(n),
  };
}
