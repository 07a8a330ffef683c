import type { FlowColumns } from '../../../core/flow/batch.js';
import type { FlowContext } from '../../../core/flow/context.js';
import { concatColumns } from '../../sources/kafka/concat-columns.js';
import { keyArray, type NativeColumn } from './native.js';

/**
 * Maps a slice of a {@link FlowColumns} batch onto a Native block plus the SQL that turns it into
 * `flows` rows. Context strings never become per-row JS values: each context field travels as a
 * `LowCardinality(String)` column (the distinct values once, a one- or two-byte key per row), which
 * is also how `flows` stores them. Numbers travel as the typed arrays the normalizer filled (zero
 * copy) and are converted in SQL (`toUInt64(bytes_sent)`), which costs the engine little.
 * @see https://clickhouse.com/docs/sql-reference/data-types/lowcardinality
 */
export interface FlowBlock {
  rows: number;
  columns: NativeColumn[];
  /** Query parameters referenced by {@link FLOW_SELECT}. */
  params: { source: string };
}

/** Context fields stored as strings: `flows` column and the FlowContext key it comes from. */
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

/**
 * `flows` column → SELECT expression over the staged block. One list, so a column and its value
 * cannot drift apart (two parallel lists would silently shift every later column).
 */
const FLOW_MAPPING: readonly [column: string, expression: string][] = [
  ['time', `fromUnixTimestamp64Milli(toInt64(time_ms), 'UTC')`],
  ['record_time', `fromUnixTimestamp64Milli(toInt64(record_time_ms), 'UTC')`],
  ...DIMENSIONS.map(([c]): [string, string] => [c, c]),
  ...[
    'src_ip',
    'dst_ip',
    'src_port',
    'dst_port',
    'protocol',
    'direction',
    'action',
    'state',
    'encryption',
  ].map((c): [string, string] => [c, c]),
  ...['packets_sent', 'bytes_sent', 'packets_received', 'bytes_received'].map((c): [string, string] => [
    c,
    `toUInt64(${c})`,
  ]),
  ['has_counters', 'has_counters = 1'],
  ['remote_is_public', 'remote_is_public = 1'],
  ['source', '{source:String}'],
  ['record_offset', 'toUInt64(record_offset)'],
  ['tuple_index', 'tuple_index'],
];

/** `flows` columns the insert fills, in the order of {@link FLOW_SELECT}. */
export const FLOW_INSERT_COLUMNS: readonly string[] = FLOW_MAPPING.map(([c]) => c);

/** SELECT expressions over the staged block, one per {@link FLOW_INSERT_COLUMNS} entry. */
export const FLOW_SELECT = FLOW_MAPPING.map(([, e]) => e).join(', ');

/** The same SELECT for blocks that carry `source` as a column (coalesced inserts, many sources). */
export const FLOW_SELECT_SOURCE_COLUMN = FLOW_SELECT.replace('{source:String}', 'source');

/**
 * One block for all members of a coalesced insert: their columns joined (one copy of the typed
 * arrays), and each row's source label in a `LowCardinality(String)` column (the labels once, a
 * key per row). One block rather than one per member: the engine reads a few large blocks much
 * faster than hundreds of small ones.
 */
export function membersBlock(members: readonly { columns: FlowColumns; label: string }[]): FlowBlock {
  const merged = concatColumns(members.map((m) => m.columns));
  const block = flowBlock(merged, 0, merged.length, '');
  const labels = [...new Set(members.map((m) => m.label))];
  const ids = new Map(labels.map((l, i) => [l, i]));
  const keys = keyArray(labels.length, merged.length);
  let row = 0;
  for (const m of members) {
    keys.fill(ids.get(m.label)!, row, row + m.columns.length);
    row += m.columns.length;
  }
  block.columns.push({ name: 'source', type: 'LowCardinality(String)', dict: labels, keys });
  return block;
}

/** Builds the block for rows `[from, to)` of `cols`; `source` is stored on every row. */
export function flowBlock(cols: FlowColumns, from: number, to: number, source: string): FlowBlock {
  const s = <T extends { subarray(a: number, b: number): T }>(a: T, w = 1): T => a.subarray(from * w, to * w);
  const columns: NativeColumn[] = [
    ...contextColumns(cols, from, to),
    { name: 'time_ms', type: 'Float64', data: s(cols.timeMs) },
    { name: 'src_ip', type: 'IPv6', data: s(cols.srcIp, 16) },
    { name: 'dst_ip', type: 'IPv6', data: s(cols.dstIp, 16) },
    { name: 'src_port', type: 'UInt16', data: s(cols.srcPort) },
    { name: 'dst_port', type: 'UInt16', data: s(cols.dstPort) },
    { name: 'protocol', type: 'UInt8', data: s(cols.protocol) },
    { name: 'direction', type: 'UInt8', data: s(cols.direction) },
    { name: 'action', type: 'UInt8', data: s(cols.action) },
    { name: 'state', type: 'UInt8', data: s(cols.state) },
    { name: 'encryption', type: 'LowCardinality(String)', dict: cols.encryptions, keys: s(cols.encryption) },
    { name: 'packets_sent', type: 'Float64', data: s(cols.packetsSent) },
    { name: 'bytes_sent', type: 'Float64', data: s(cols.bytesSent) },
    { name: 'packets_received', type: 'Float64', data: s(cols.packetsReceived) },
    { name: 'bytes_received', type: 'Float64', data: s(cols.bytesReceived) },
    { name: 'has_counters', type: 'UInt8', data: s(cols.hasCounters) },
    { name: 'remote_is_public', type: 'UInt8', data: s(cols.remoteIsPublic) },
    { name: 'record_offset', type: 'Float64', data: s(cols.recordOffset) },
    { name: 'tuple_index', type: 'UInt32', data: s(cols.tupleIndex) },
  ];
  return { rows: to - from, columns, params: { source } };
}

/**
 * One `LowCardinality(String)` column per context field plus the per-row record time, for the
 * contexts rows `[from, to)` use: per field a dictionary of distinct values and a key per context,
 * then one tight loop per column over the rows (no per-row allocation).
 */
function contextColumns(cols: FlowColumns, from: number, to: number): NativeColumn[] {
  const n = to - from;
  const used = usedContexts(cols, from, to);
  const out: NativeColumn[] = DIMENSIONS.map(([column, key]) => {
    const ids = new Map<string, number>();
    const ctxKey = new Uint32Array(cols.contexts.length);
    for (const c of used) {
      const value = cols.contexts[c]![key];
      let id = ids.get(value);
      if (id === undefined) {
        id = ids.size;
        ids.set(value, id);
      }
      ctxKey[c] = id;
    }
    const keys = keyArray(ids.size, n);
    for (let i = 0; i < n; i++) keys[i] = ctxKey[cols.ctx[from + i]!]!;
    return { name: column, type: 'LowCardinality(String)', dict: [...ids.keys()], keys };
  });
  const recordTime = new Float64Array(n);
  const ctxTime = Float64Array.from(cols.contexts, (c) => c.recordTimeMs);
  for (let i = 0; i < n; i++) recordTime[i] = ctxTime[cols.ctx[from + i]!]!;
  out.push({ name: 'record_time_ms', type: 'Float64', data: recordTime });
  return out;
}

function usedContexts(cols: FlowColumns, from: number, to: number): number[] {
  const seen = new Uint8Array(cols.contexts.length);
  const used: number[] = [];
  for (let i = from; i < to; i++) {
    const c = cols.ctx[i]!;
    if (seen[c] === 0) {
      seen[c] = 1;
      used.push(c);
    }
  }
  return used;
}
