import type { FlowColumns } from '../../../core/flow/batch.js';
import type { FlowContext } from '../../../core/flow/context.js';
import type { NativeColumn } from './native.js';

/**
 * Maps a slice of a {@link FlowColumns} batch onto a Native block plus the SQL that turns it into
 * `flows` rows. Context strings never become per-row JS values: contexts are deduplicated into
 * "dimensions" (every string field of a context), each row carries a UInt32 dimension id, and the
 * INSERT maps ids back with `{d_nsg:Array(String)}[dim + 1]` query parameters (a handful of values
 * per batch). Numbers travel as the typed arrays the normalizer filled (zero copy) and are converted
 * in SQL (`toUInt64(bytes_sent)`), which costs the engine far less than JS would.
 * @see https://clickhouse.com/docs/sql-reference/functions/array-functions#arrayElement
 */
export interface FlowBlock {
  rows: number;
  columns: NativeColumn[];
  /** Query parameters referenced by {@link FLOW_SELECT}. */
  params: Record<string, unknown>;
}

/** Context fields stored as strings, in `flows` column order, with the FlowContext key they come from. */
const DIMENSIONS: readonly [column: string, key: keyof Omit<FlowContext, 'recordTimeMs'>][] = [
  ['format', 'format'],
  ['subscription_id', 'subscriptionId'],
  ['resource_group', 'resourceGroup'],
  ['nsg', 'nsg'],
  ['target_resource', 'targetResource'],
  ['flow_log', 'flowLog'],
  ['acl_id', 'aclId'],
  ['mac', 'mac'],
  ['rule', 'rule'],
  ['rule_name', 'ruleName'],
  ['rule_kind', 'ruleKind'],
];

/** `flows` columns the insert fills, in the order of {@link FLOW_SELECT}. */
export const FLOW_INSERT_COLUMNS = [
  'time',
  'record_time',
  ...DIMENSIONS.map(([c]) => c),
  'src_ip',
  'dst_ip',
  'src_port',
  'dst_port',
  'protocol',
  'direction',
  'action',
  'state',
  'encryption',
  'packets_sent',
  'bytes_sent',
  'packets_received',
  'bytes_received',
  'has_counters',
  'remote_is_public',
  'source',
  'record_offset',
  'tuple_index',
] as const;

/** SELECT expressions over the staged block, one per {@link FLOW_INSERT_COLUMNS} entry. */
export const FLOW_SELECT = [
  `fromUnixTimestamp64Milli(toInt64(time_ms), 'UTC')`,
  `fromUnixTimestamp64Milli(toInt64(record_time_ms), 'UTC')`,
  ...DIMENSIONS.map(([c]) => `{d_${c}:Array(String)}[dim + 1]`),
  'src_ip',
  'dst_ip',
  'src_port',
  'dst_port',
  'protocol',
  'direction',
  'action',
  'state',
  '{enc:Array(String)}[encryption + 1]',
  'toUInt64(packets_sent)',
  'toUInt64(bytes_sent)',
  'toUInt64(packets_received)',
  'toUInt64(bytes_received)',
  'has_counters = 1',
  'remote_is_public = 1',
  '{source:String}',
  'toUInt64(record_offset)',
  'tuple_index',
].join(', ');

/** Builds the block for rows `[from, to)` of `cols`; `source` is stored on every row. */
export function flowBlock(cols: FlowColumns, from: number, to: number, source: string): FlowBlock {
  const n = to - from;
  const { dim, recordTime, params } = dimensions(cols, from, to);
  const s = <T extends { subarray(a: number, b: number): T }>(a: T, w = 1): T => a.subarray(from * w, to * w);
  const columns: NativeColumn[] = [
    { name: 'dim', type: 'UInt32', data: dim },
    { name: 'time_ms', type: 'Float64', data: s(cols.timeMs) },
    { name: 'record_time_ms', type: 'Float64', data: recordTime },
    { name: 'src_ip', type: 'IPv6', data: s(cols.srcIp, 16) },
    { name: 'dst_ip', type: 'IPv6', data: s(cols.dstIp, 16) },
    { name: 'src_port', type: 'UInt16', data: s(cols.srcPort) },
    { name: 'dst_port', type: 'UInt16', data: s(cols.dstPort) },
    { name: 'protocol', type: 'UInt8', data: s(cols.protocol) },
    { name: 'direction', type: 'UInt8', data: s(cols.direction) },
    { name: 'action', type: 'UInt8', data: s(cols.action) },
    { name: 'state', type: 'UInt8', data: s(cols.state) },
    { name: 'encryption', type: 'UInt8', data: s(cols.encryption) },
    { name: 'packets_sent', type: 'Float64', data: s(cols.packetsSent) },
    { name: 'bytes_sent', type: 'Float64', data: s(cols.bytesSent) },
    { name: 'packets_received', type: 'Float64', data: s(cols.packetsReceived) },
    { name: 'bytes_received', type: 'Float64', data: s(cols.bytesReceived) },
    { name: 'has_counters', type: 'UInt8', data: s(cols.hasCounters) },
    { name: 'remote_is_public', type: 'UInt8', data: s(cols.remoteIsPublic) },
    { name: 'record_offset', type: 'Float64', data: s(cols.recordOffset) },
    { name: 'tuple_index', type: 'UInt32', data: s(cols.tupleIndex) },
  ];
  return { rows: n, columns, params: { ...params, enc: cols.encryptions, source } };
}

/**
 * Deduplicates the contexts used by rows `[from, to)` into dimension ids and fills the per-row
 * dimension id and record time (two tight loops over typed arrays; no per-row allocation).
 */
function dimensions(cols: FlowColumns, from: number, to: number) {
  const ids = new Map<string, number>();
  const ctxDim = new Int32Array(cols.contexts.length).fill(-1);
  const values: string[][] = DIMENSIONS.map(() => []);
  const dim = new Uint32Array(to - from);
  const recordTime = new Float64Array(to - from);
  for (let i = from; i < to; i++) {
    const c = cols.ctx[i]!;
    let d = ctxDim[c]!;
    if (d < 0) {
      d = dimensionId(cols.contexts[c]!, ids, values);
      ctxDim[c] = d;
    }
    dim[i - from] = d;
    recordTime[i - from] = cols.contexts[c]!.recordTimeMs;
  }
  const params: Record<string, string[]> = {};
  DIMENSIONS.forEach(([column], k) => {
    params[`d_${column}`] = values[k]!;
  });
  return { dim, recordTime, params };
}

function dimensionId(ctx: FlowContext, ids: Map<string, number>, values: string[][]): number {
  const fields = DIMENSIONS.map(([, key]) => ctx[key]);
  const key = fields.join('\u0000');
  let id = ids.get(key);
  if (id === undefined) {
    id = ids.size;
    ids.set(key, id);
    fields.forEach((v, k) => {
      values[k]!.push(v);
    });
  }
  return id;
}
