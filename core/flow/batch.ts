import { formatIp } from '../net/ip.js';
import type { FlowContext } from './context.js';
import { ACTION_NAMES, DIRECTION_NAMES, STATE_NAMES } from './enums.js';

/**
 * A columnar batch of flow tuples: typed arrays, one entry per tuple, plus dictionaries.
 *
 * Why columns: building one JS object per tuple costs 5–8 s per 800 k rows under GC pressure
 * (docs/reference/performance-facts.md §4); typed arrays cost nothing per row and are exactly what the
 * ClickHouse Native format wants. Use {@link rowAt} / {@link toRows} where convenience matters
 * more than speed (tests, small inputs).
 */
export interface FlowColumns {
  length: number;
  /** Index into `contexts` for every row. */
  ctx: Uint32Array;
  contexts: FlowContext[];
  /** Tuple time, epoch milliseconds. */
  timeMs: Float64Array;
  /** 16 bytes per row, network order; IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d). */
  srcIp: Uint8Array;
  dstIp: Uint8Array;
  srcPort: Uint16Array;
  dstPort: Uint16Array;
  /** IANA protocol number (T→6, U→17). */
  protocol: Uint8Array;
  /** {@link Direction} codes. */
  direction: Uint8Array;
  /** {@link Action} codes. */
  action: Uint8Array;
  /** {@link FlowState} codes. */
  state: Uint8Array;
  /** Index into `encryptions` ('' for NSG logs). */
  encryption: Uint8Array;
  encryptions: string[];
  packetsSent: Float64Array;
  bytesSent: Float64Array;
  packetsReceived: Float64Array;
  bytesReceived: Float64Array;
  /** 0 when the tuple carried empty counters (NSG v2 / VNet `B` rows, v1 tuples). */
  hasCounters: Uint8Array;
  /** 1 when the remote end (source for inbound, destination for outbound) is a public internet address. */
  remoteIsPublic: Uint8Array;
  /** Position of the tuple in its source: byte offset of its record, and its index inside the record. */
  recordOffset: Float64Array;
  tupleIndex: Uint32Array;
}

/** One tuple as a plain object: what tests, analyzers and the API deal in. */
export interface FlowRow extends Omit<FlowContext, 'recordTimeMs'> {
  time: string;
  recordTime: string;
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  protocol: number;
  direction: 'inbound' | 'outbound';
  action: 'allow' | 'deny';
  state: 'none' | 'begin' | 'continue' | 'end' | 'deny';
  encryption: string;
  packetsSent: number;
  bytesSent: number;
  packetsReceived: number;
  bytesReceived: number;
  hasCounters: boolean;
  remoteIsPublic: boolean;
  recordOffset: number;
  tupleIndex: number;
}

export function rowAt(cols: FlowColumns, i: number): FlowRow {
  const ctx = cols.contexts[cols.ctx[i]!]!;
  const { recordTimeMs, ...rest } = ctx;
  return {
    ...rest,
    time: new Date(cols.timeMs[i]!).toISOString(),
    recordTime: new Date(recordTimeMs).toISOString(),
    srcIp: formatIp(cols.srcIp.subarray(i * 16, i * 16 + 16)),
    dstIp: formatIp(cols.dstIp.subarray(i * 16, i * 16 + 16)),
    srcPort: cols.srcPort[i]!,
    dstPort: cols.dstPort[i]!,
    protocol: cols.protocol[i]!,
    direction: DIRECTION_NAMES[cols.direction[i]!] ?? 'inbound',
    action: ACTION_NAMES[cols.action[i]!] ?? 'allow',
    state: STATE_NAMES[cols.state[i]!] ?? 'none',
    encryption: cols.encryptions[cols.encryption[i]!] ?? '',
    packetsSent: cols.packetsSent[i]!,
    bytesSent: cols.bytesSent[i]!,
    packetsReceived: cols.packetsReceived[i]!,
    bytesReceived: cols.bytesReceived[i]!,
    hasCounters: cols.hasCounters[i] === 1,
    remoteIsPublic: cols.remoteIsPublic[i] === 1,
    recordOffset: cols.recordOffset[i]!,
    tupleIndex: cols.tupleIndex[i]!,
  };
}

export function toRows(cols: FlowColumns): FlowRow[] {
  const rows: FlowRow[] = new Array(cols.length);
  for (let i = 0; i < cols.length; i++) rows[i] = rowAt(cols, i);
  return rows;
}
