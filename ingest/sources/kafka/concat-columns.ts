import type { FlowColumns } from '../../../core/flow/batch.js';
import { allocateColumns } from '../../../core/flow/builder.js';
import type { FlowContext } from '../../../core/flow/context.js';

type NumericKey = Exclude<keyof FlowColumns, 'length' | 'contexts' | 'encryptions' | 'ctx' | 'encryption'>;

const PER_ROW: readonly NumericKey[] = [
  'timeMs',
  'srcPort',
  'dstPort',
  'protocol',
  'direction',
  'action',
  'state',
  'packetsSent',
  'bytesSent',
  'packetsReceived',
  'bytesReceived',
  'hasCounters',
  'remoteIsPublic',
  'recordOffset',
  'tupleIndex',
];

/**
 * Joins normalized batches into one (one insert per Kafka offset range). Typed arrays are copied
 * once; context ids are shifted and encryption ids re-mapped onto a merged dictionary.
 */
export function concatColumns(parts: readonly FlowColumns[]): FlowColumns {
  if (parts.length === 1) return parts[0]!;
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = allocateColumns(n);
  const contexts: FlowContext[] = [];
  const encryptions: string[] = [''];
  const encIds = new Map<string, number>([['', 0]]);
  let row = 0;
  for (const part of parts) {
    for (const key of PER_ROW) (out[key] as Float64Array).set(part[key] as Float64Array, row);
    out.srcIp.set(part.srcIp, row * 16);
    out.dstIp.set(part.dstIp, row * 16);
    const ctxBase = contexts.length;
    for (const c of part.contexts) contexts.push(c);
    const encMap = part.encryptions.map((e) => encryptionId(e, encryptions, encIds));
    for (let i = 0; i < part.length; i++) {
      out.ctx[row + i] = part.ctx[i]! + ctxBase;
      out.encryption[row + i] = encMap[part.encryption[i]!] ?? 0;
    }
    row += part.length;
  }
  return { ...out, length: n, contexts, encryptions };
}

function encryptionId(value: string, list: string[], ids: Map<string, number>): number {
  let id = ids.get(value);
  if (id === undefined) {
    if (list.length > 255) return 0; // same cap as FlowBatchBuilder: the column is a UInt8
    id = list.length;
    list.push(value);
    ids.set(value, id);
  }
  return id;
}
