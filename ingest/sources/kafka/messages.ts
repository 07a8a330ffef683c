/**
 * Turns flow-log files into message bodies, in the three shapes seen on Kafka / Event Hubs
 * (docs/reference/flow-logs.md §1e): a whole file per message, one record per message, or Microsoft's NSG
 * connector style — every tuple flattened into a record, ≈120 per `{"records":[…]}` message.
 * Pure: text in, buffers out. Used by `flowlens publish`, tests and benchmarks.
 * @see https://github.com/microsoft/AzureNetworkWatcherNSGFlowLogsConnector
 */
export type MessageMode = 'file' | 'record' | 'connector';

export const MESSAGE_MODES: readonly MessageMode[] = ['file', 'record', 'connector'];

/** Records per connector message, as the connector sends to stay under 256 KB. */
export const CONNECTOR_BATCH = 120;

type Json = Record<string, unknown>;

export function toMessages(content: Buffer, mode: MessageMode): Buffer[] {
  if (mode === 'file') return [content];
  const records = parseRecords(content.toString('utf8'));
  if (mode === 'record') return records.map((r) => Buffer.from(JSON.stringify(r)));
  const flat = records.flatMap((r) => flattenNsgRecord(r) ?? [r]);
  const out: Buffer[] = [];
  for (let i = 0; i < flat.length; i += CONNECTOR_BATCH) {
    out.push(Buffer.from(JSON.stringify({ records: flat.slice(i, i + CONNECTOR_BATCH) })));
  }
  return out;
}

/** `{"records":[…]}` or NDJSON (one record per line). */
export function parseRecords(text: string): Json[] {
  try {
    const v = JSON.parse(text) as unknown;
    if (isObject(v) && Array.isArray(v.records)) return v.records.filter(isObject);
    if (isObject(v)) return [v];
  } catch {
    // not one JSON document: NDJSON below
  }
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as unknown)
    .filter(isObject);
}

/**
 * One connector flat record per NSG tuple (all values strings, `version` a number, counters only
 * on 13-field tuples with a state other than B). Not an NSG record (VNet): undefined — the
 * connector handles NSG logs only, so such records are sent whole.
 */
export function flattenNsgRecord(record: Json): Json[] | undefined {
  const props = record.properties;
  if (!isObject(props) || !Array.isArray(props.flows)) return undefined;
  const version = typeof props.Version === 'number' ? props.Version : 1;
  const out: Json[] = [];
  for (const group of props.flows.filter(isObject)) {
    for (const inner of (Array.isArray(group.flows) ? group.flows : []).filter(isObject)) {
      for (const tuple of Array.isArray(inner.flowTuples) ? inner.flowTuples : []) {
        out.push(
          flatTuple(record, version, String(group.rule ?? ''), String(inner.mac ?? ''), String(tuple)),
        );
      }
    }
  }
  return out;
}

function flatTuple(record: Json, version: number, rule: string, mac: string, tuple: string): Json {
  const f = tuple.split(',');
  const flat: Json = {
    time: record.time,
    category: record.category,
    operationName: record.operationName,
    resourceId: record.resourceId,
    version,
    nsgRuleName: rule,
    mac,
    startTime: f[0],
    sourceAddress: f[1],
    destinationAddress: f[2],
    sourcePort: f[3],
    destinationPort: f[4],
    transportProtocol: f[5],
    deviceDirection: f[6],
    deviceAction: f[7],
  };
  if (f.length >= 13) {
    flat.flowState = f[8];
    if (f[8] !== 'B') {
      flat.packetsStoD = f[9] || '0';
      flat.bytesStoD = f[10] || '0';
      flat.packetsDtoS = f[11] || '0';
      flat.bytesDtoS = f[12] || '0';
    }
  }
  return flat;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
