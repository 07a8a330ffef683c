import type { Db } from '../../core/clickhouse/client.js';
import { isPublicIpText } from '../../core/net/ip.js';

/** A `flows` row as inserted with JSONEachRow (column names of migration 0001). */
export interface FlowInsertRow {
  time: string;
  format: string;
  nsg: string;
  rule: string;
  rule_name: string;
  mac: string;
  src_ip: string;
  dst_ip: string;
  src_port: number;
  dst_port: number;
  protocol: number;
  direction: 'inbound' | 'outbound';
  action: 'allow' | 'deny';
  state: 'none' | 'begin' | 'continue' | 'end' | 'deny';
  packets_sent: number;
  bytes_sent: number;
  packets_received: number;
  bytes_received: number;
  has_counters: boolean;
  remote_is_public: boolean;
}

export type FlowSpec = Partial<FlowInsertRow> & Pick<FlowInsertRow, 'time' | 'src_ip' | 'dst_ip'>;

/** Fills defaults the way the normalizer would (remote_is_public from the remote end, counters flag). */
export function flowRow(spec: FlowSpec): FlowInsertRow {
  const direction = spec.direction ?? 'inbound';
  const remote = direction === 'inbound' ? spec.src_ip : spec.dst_ip;
  const state = spec.state ?? 'end';
  const row: FlowInsertRow = {
    format: 'nsg-v2',
    nsg: 'nsg-web',
    rule: 'UserRule_Allow',
    rule_name: 'Allow',
    mac: '000D3A000001',
    src_port: 50000,
    dst_port: 443,
    protocol: 6,
    action: 'allow',
    packets_sent: 0,
    bytes_sent: 0,
    packets_received: 0,
    bytes_received: 0,
    ...spec,
    direction,
    state,
    has_counters: spec.has_counters ?? (state === 'continue' || state === 'end'),
    remote_is_public: spec.remote_is_public ?? isPublicIpText(remote),
  };
  return row;
}

/** Inserts rows into `flows` of a test database. */
export async function insertFlows(db: Db, specs: FlowSpec[]): Promise<void> {
  if (!specs.length) return;
  await db.client.insert({ table: 'flows', values: specs.map(flowRow), format: 'JSONEachRow' });
}

/** `2026-01-01T00:00:00.000Z` + seconds, in the DateTime64 text form ClickHouse parses. */
export function at(base: string, seconds: number): string {
  return new Date(Date.parse(base) + seconds * 1000).toISOString().replace('T', ' ').replace('Z', '');
}
