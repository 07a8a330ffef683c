import type { Db } from '../../core/clickhouse/client.js';
import { isPublicIpText } from '../../core/net/ip.js';

/** One flow row for seeding, in the `flows` table's column names; omitted columns take defaults. */
export interface SeedFlow {
  time: string;
  nsg: string;
  rule: string;
  src_ip: string;
  dst_ip: string;
  src_port?: number;
  dst_port: number;
  protocol?: number;
  direction: 'inbound' | 'outbound';
  action: 'allow' | 'deny';
  bytes_sent?: number;
  bytes_received?: number;
  packets_sent?: number;
  packets_received?: number;
  source?: string;
}

/**
 * Allowed outbound HTTPS flows from one host to each peer, one minute apart from `hour`:10 (a
 * `YYYY-MM-DD HH` text): the shape of the flow-type and connection-type tests, one flow per peer.
 */
export function outboundFlowsTo(host: string, peers: readonly string[], hour: string): SeedFlow[] {
  return peers.map((peer, i) => ({
    time: `${hour}:${String(10 + i).padStart(2, '0')}:00.000`,
    nsg: 'nsg-hub',
    rule: 'UserRule_AllowOut',
    src_ip: host,
    dst_ip: peer,
    dst_port: 443,
    direction: 'outbound',
    action: 'allow',
  }));
}

/**
 * Inserts rows through the normal path (JSONEachRow into `flows`; the materialized views fill
 * the rollups), deriving the columns ingest derives (rule name/kind, public peer, position).
 */
export async function seedFlows(db: Db, flows: readonly SeedFlow[], offset = 0): Promise<void> {
  const values = flows.map((f, i) => {
    const remote = f.direction === 'inbound' ? f.src_ip : f.dst_ip;
    return {
      time: f.time,
      record_time: f.time,
      format: 'nsg-v2',
      subscription_id: '00000000-0000-0000-0000-000000000001',
      resource_group: 'rg-demo',
      nsg: f.nsg,
      flow_log: 'fl-demo',
      mac: '000D3A000001',
      rule: f.rule,
      rule_name: f.rule.replace(/^(UserRule|DefaultRule)_/, ''),
      rule_kind: f.rule.startsWith('DefaultRule_') ? 'default' : 'user',
      src_ip: f.src_ip,
      dst_ip: f.dst_ip,
      src_port: f.src_port ?? 40000 + (i % 20000),
      dst_port: f.dst_port,
      protocol: f.protocol ?? 6,
      direction: f.direction,
      action: f.action,
      state: f.action === 'deny' ? 'begin' : 'end',
      packets_sent: f.packets_sent ?? (f.action === 'deny' ? 0 : 10),
      bytes_sent: f.bytes_sent ?? (f.action === 'deny' ? 0 : 1000),
      packets_received: f.packets_received ?? 0,
      bytes_received: f.bytes_received ?? 0,
      has_counters: f.action !== 'deny',
      remote_is_public: isPublicIpText(remote),
      source: f.source ?? 'file:/seed/PT1H.json',
      record_offset: offset + i,
      tuple_index: 0,
    };
  });
  await db.client.insert({
    table: 'flows',
    values,
    format: 'JSONEachRow',
    clickhouse_settings: { date_time_input_format: 'best_effort' },
  });
}

/**
 * Generates `count` synthetic flows server-side (`INSERT … SELECT … FROM numbers()`), spread over
 * `[from, from + spanMs)`: a web tier exposed on 443/80, RDP/SSH probes from the internet (mostly
 * denied), east-west app→db traffic, and egress to a few public hosts. For benchmarks and load.
 */
export async function generateFlows(
  db: Db,
  opts: { count: number; from: Date; spanMs: number },
): Promise<void> {
  const step = opts.spanMs / opts.count;
  const query = `INSERT INTO flows (time, record_time, format, nsg, rule, rule_name, rule_kind, src_ip, dst_ip,
      src_port, dst_port, protocol, direction, action, state, packets_sent, bytes_sent, packets_received,
      bytes_received, has_counters, remote_is_public, source, record_offset, tuple_index)
    SELECT t, t, 'nsg-v2', nsg, concat(if(act = 'deny', 'DefaultRule_', 'UserRule_'), rn), rn,
      if(act = 'deny', 'default', 'user'), src, dst, 1024 + (h % 60000), port, 6, dir, act,
      if(act = 'deny', 'begin', 'end'), if(act = 'deny', 0, 1 + h % 50), if(act = 'deny', 0, 100 + h % 100000),
      if(act = 'deny', 0, 1 + h % 40), if(act = 'deny', 0, 100 + h % 50000), act != 'deny', pub,
      'bench', number, 0
    FROM (
      SELECT number, cityHash64(number) AS h, h % 10 AS kind,
        toDateTime64({from:DateTime64(3)}, 3, 'UTC') + toIntervalMillisecond(toUInt64(number * {step:Float64})) AS t,
        -- one NSG per subnet (10.0.0–3.0/24), as subnets usually carry their own NSG
        ['nsg-web', 'nsg-db', 'nsg-app', 'nsg-mgmt'][1 + if(kind < 8, bitShiftRight(h, 28) % 4, 2)] AS nsg,
        multiIf(kind < 4, 'inbound', kind < 6, 'inbound', kind < 8, 'inbound', 'outbound') AS dir,
        multiIf(kind < 4, [443, 80][1 + bitShiftRight(h, 12) % 2], kind < 6, [22, 3389][1 + bitShiftRight(h, 12) % 2],
          kind < 8, [1433, 5432, 8080][1 + bitShiftRight(h, 12) % 3], [443, 53, 8443][1 + bitShiftRight(h, 12) % 3]) AS port,
        multiIf(kind < 4, 'allow', kind < 6, if(bitShiftRight(h, 16) % 10 = 0, 'allow', 'deny'), kind < 8,
          if(bitShiftRight(h, 16) % 20 = 0, 'deny', 'allow'), 'allow') AS act,
        multiIf(kind < 4, 'AllowWeb', kind < 6, if(act = 'deny', 'DenyAllInBound', 'AllowMgmt'), kind < 8,
          if(act = 'deny', 'DenyAllInBound', 'AllowApp'), 'AllowInternetOutBound') AS rn,
        toIPv6(IPv4NumToString(toUInt32(multiIf(kind < 6, 3325256704 + bitShiftRight(h, 20) % 5000,
          kind < 8, 167772160 + 256 * (bitShiftRight(h, 20) % 4) + bitShiftRight(h, 24) % 50, 167772160 + 512 + bitShiftRight(h, 24) % 50)))) AS src,
        toIPv6(IPv4NumToString(toUInt32(multiIf(kind < 8, 167772160 + 256 * (bitShiftRight(h, 28) % 4) + 4 + bitShiftRight(h, 32) % 20,
          1572395008 + bitShiftRight(h, 36) % 300)))) AS dst,
        kind < 6 OR kind >= 8 AS pub
      FROM numbers({count:UInt64})
    )`;
  await db.client.command({
    query,
    query_params: {
      from: opts.from.toISOString().replace('T', ' ').replace('Z', ''),
      step,
      count: opts.count,
    },
    clickhouse_settings: { max_insert_threads: '2' },
  });
}
