import type { Db } from '../../core/clickhouse/client.js';

/** ARM ids as Azure logs them (upper case in NSG records). */
export const ARM = {
  nsgOk:
    '/SUBSCRIPTIONS/00000000-0000-0000-0000-00000000000A/RESOURCEGROUPS/RG-NET/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG-OK',
  nsgLate:
    '/SUBSCRIPTIONS/00000000-0000-0000-0000-00000000000A/RESOURCEGROUPS/RG-NET/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG-LATE',
  subnet:
    '/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-app',
} as const;

const CONTAINER = 'acct/insights-logs-networksecuritygroupflowevent';
/** The blob of an NSG's hour, as the blob source keys it (`<account>/<container>/<name>`). */
export function nsgBlob(armId: string, hour: Date): string {
  const d = hour;
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    `${CONTAINER}/resourceId=${armId}/y=${d.getUTCFullYear()}/m=${p(d.getUTCMonth() + 1)}/d=${p(d.getUTCDate())}` +
    `/h=${p(d.getUTCHours())}/m=00/macAddress=000D3A000001/PT1H.json`
  );
}

/** One stored tuple of a flow log: when it happened, when it arrived, and where it came from. */
export interface HealthRow {
  time: Date;
  arrived: Date;
  format: 'nsg-v2' | 'vnet';
  nsg: string;
  target: string;
  flowLog?: string;
  source: string;
  bytes?: number;
}

const chTime = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

/** Inserts `flows` rows with an explicit arrival (`ingested_at`), as a source would have stored them. */
export async function insertHealthRows(db: Db, rows: readonly HealthRow[], offset = 0): Promise<void> {
  if (!rows.length) return;
  await db.client.insert({
    table: 'flows',
    values: rows.map((r, i) => ({
      time: chTime(r.time),
      record_time: chTime(r.time),
      ingested_at: chTime(r.arrived),
      format: r.format,
      subscription_id: '00000000-0000-0000-0000-00000000000a',
      resource_group: 'rg-net',
      nsg: r.nsg,
      target_resource: r.target,
      flow_log: r.flowLog ?? '',
      mac: '000D3A000001',
      rule: 'UserRule_AllowWeb',
      rule_name: 'AllowWeb',
      rule_kind: 'user',
      src_ip: '203.0.113.7',
      dst_ip: '10.0.1.4',
      src_port: 40000 + (i % 1000),
      dst_port: 443,
      protocol: 6,
      direction: 'inbound',
      action: 'allow',
      state: 'end',
      packets_sent: 1,
      bytes_sent: r.bytes ?? 100,
      packets_received: 0,
      bytes_received: 0,
      has_counters: true,
      remote_is_public: true,
      source: r.source,
      record_offset: offset + i,
      tuple_index: 0,
    })),
    format: 'JSONEachRow',
  });
}

export interface HealthReject {
  time: Date;
  kind: string;
  source: string;
  reason: string;
}

export async function insertHealthRejects(db: Db, rejects: readonly HealthReject[]): Promise<void> {
  await db.client.insert({
    table: 'rejects',
    values: rejects.map((r, i) => ({
      time: chTime(r.time),
      source_kind: r.kind,
      source: r.source,
      offset: i,
      record_index: 0,
      tuple_index: 0,
      reason: r.reason,
      detail: 'seeded',
      excerpt: '',
    })),
    format: 'JSONEachRow',
  });
}

/** Every minute of `[from, to)` (a flow log writing once a minute). */
export function minutes(from: Date, to: Date): Date[] {
  const out: Date[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += 60_000) out.push(new Date(t));
  return out;
}

export const ago = (now: Date, seconds: number) => new Date(now.getTime() - seconds * 1000);
