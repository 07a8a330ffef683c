import type { Connection } from './connection.js';
import type { Rng } from './random.js';
import { AZURE_PLATFORM_IP, BACKUP_PRIVATE_ENDPOINT, CORP_EGRESS_NET, HOSTS, host } from './topology.js';

/**
 * Benign traffic of a working 3-tier application, one minute at a time. Rates follow a daily
 * curve (quiet at night, busy in office hours) so baselines have something to learn.
 */
export type TrafficGenerator = (minuteStartMs: number, rng: Rng) => Connection[];

const MINUTE = 60_000;
const user = (name: string) => ({ rule: `UserRule_${name}`, action: 'A' as const });
const dflt = (name: string, action: 'A' | 'D' = 'A') => ({ rule: `DefaultRule_${name}`, action });

/** 0.25 at 03:00 UTC … 1.0 at 15:00 UTC. */
export function dailyFactor(ms: number): number {
  const hour = new Date(ms).getUTCHours() + new Date(ms).getUTCMinutes() / 60;
  return 0.625 - 0.375 * Math.cos(((hour - 3) / 24) * 2 * Math.PI);
}

/**
 * Client networks: /16s that lie wholly inside announced, registered space (every address has an
 * AS and a country in the packaged ip-location-db data), mostly eyeball ISPs, some of them Azure's
 * (AzureCloud.westeurope in the demo's service-tag slice), so every peer the demo shows is named.
 */
const CLIENT_NETS = [
  '31.60',
  '31.213',
  '62.43',
  '62.127',
  '77.136',
  '81.62',
  '81.134',
  '84.60',
  '84.132',
  '86.133',
  '86.202',
  '88.44',
  '88.127',
  '90.49',
  '90.133',
  '90.207',
  '92.208',
  '94.115',
  '109.44',
  '109.125',
  '176.144',
  '176.206',
  '188.195',
  '212.71',
  '217.51',
  '20.61',
  '20.71',
  '51.124',
  '51.144',
];
const FIRST_DRAWS = [20, 31, 51, 62, 77, 81, 84, 86, 88, 90, 92, 94, 109, 146, 176, 188, 212, 217];

export function publicClientIp(rng: Rng): string {
  // Four draws as before, so every other stream of a seeded simulation stays where it was.
  const net = CLIENT_NETS[(rng.pick(FIRST_DRAWS) * 256 + rng.int(0, 255)) % CLIENT_NETS.length];
  return `${net}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

const ephemeral = (rng: Rng) => rng.int(32768, 60999);
const at = (minuteStartMs: number, rng: Rng) => minuteStartMs + rng.int(0, MINUTE - 1);

const webClients: TrafficGenerator = (m, rng) => {
  const out: Connection[] = [];
  const n = rng.poisson(14 * dailyFactor(m));
  for (let i = 0; i < n; i++) {
    const https = rng.chance(0.9);
    const bytesOut = rng.int(800, 12_000);
    const bytesIn = https ? rng.int(15_000, 1_800_000) : rng.int(300, 900);
    out.push({
      startMs: at(m, rng),
      durationMs: rng.int(200, 40_000),
      src: publicClientIp(rng),
      dst: rng.pick(['10.10.1.4', '10.10.1.5', '10.10.1.6']),
      srcPort: ephemeral(rng),
      dstPort: https ? 443 : 80,
      protocol: 'T',
      packetsOut: Math.ceil(bytesOut / 700),
      bytesOut,
      packetsIn: Math.ceil(bytesIn / 1400),
      bytesIn,
      inboundRule: user(https ? 'AllowHttpsInbound' : 'AllowHttpInbound'),
    });
  }
  return out;
};

/** Only web-1 and web-2 call the app tier, only on 8080: the app rule allows 8000–8999 from the whole subnet. */
const webToApp: TrafficGenerator = (m, rng) =>
  internalCalls(
    m,
    rng,
    9,
    ['web-1', 'web-2'],
    ['app-1', 'app-2'],
    8080,
    user('AllowWebToApp'),
    [4_000, 90_000],
  );

const appToDb: TrafficGenerator = (m, rng) =>
  internalCalls(m, rng, 7, ['app-1', 'app-2'], ['db-1'], 1433, user('AllowAppToSql'), [2_000, 400_000]);

/** A DBA on the jump host uses PostgreSQL on db-1 in office hours; the db rule allows every port from the VNet. */
const dbaSessions: TrafficGenerator = (m, rng) => {
  const hour = new Date(m).getUTCHours();
  if (hour < 8 || hour > 18 || !rng.chance(0.06)) return [];
  return internalCalls(m, rng, 1, ['jump-1'], ['db-1'], 5432, user('AllowAdminAll'), [20_000, 3_000_000], 1);
};

function internalCalls(
  m: number,
  rng: Rng,
  rate: number,
  clients: string[],
  servers: string[],
  port: number,
  inboundRule: Connection['inboundRule'],
  bytes: [number, number],
  fixedCount?: number,
): Connection[] {
  const n = fixedCount ?? rng.poisson(rate * dailyFactor(m));
  const out: Connection[] = [];
  for (let i = 0; i < n; i++) {
    const bytesIn = rng.int(bytes[0], bytes[1]);
    const bytesOut = rng.int(400, 6_000);
    out.push({
      startMs: at(m, rng),
      durationMs: rng.int(50, 20_000),
      src: host(rng.pick(clients)).ip,
      dst: host(rng.pick(servers)).ip,
      srcPort: ephemeral(rng),
      dstPort: port,
      protocol: 'T',
      packetsOut: Math.ceil(bytesOut / 600),
      bytesOut,
      packetsIn: Math.ceil(bytesIn / 1400),
      bytesIn,
      outboundRule: dflt('AllowVnetOutBound'),
      ...(inboundRule ? { inboundRule } : {}),
    });
  }
  return out;
}

const corpSsh: TrafficGenerator = (m, rng) => {
  if (!rng.chance(0.04 * dailyFactor(m))) return [];
  const bytesIn = rng.int(50_000, 4_000_000);
  return [
    {
      startMs: at(m, rng),
      durationMs: rng.int(60_000, 40 * MINUTE),
      src: `${CORP_EGRESS_NET}.${rng.int(10, 20)}`,
      dst: host('jump-1').ip,
      srcPort: ephemeral(rng),
      dstPort: 22,
      protocol: 'T',
      packetsOut: Math.ceil(bytesIn / 900),
      bytesOut: Math.ceil(bytesIn / 3),
      packetsIn: Math.ceil(bytesIn / 1400),
      bytesIn,
      inboundRule: user('AllowSshFromCorp'),
    },
  ];
};

const MIRRORS = ['151.101.2.132', '13.107.4.50', '91.189.91.83', '104.18.12.33'];

/** OS and package updates: occasional, sometimes large downloads (not exfiltration). */
const updates: TrafficGenerator = (m, rng) => {
  const out: Connection[] = [];
  for (const h of HOSTS) {
    if (!rng.chance(0.01)) continue;
    const bytesIn = rng.chance(0.1) ? rng.int(200_000_000, 1_500_000_000) : rng.int(50_000, 20_000_000);
    out.push({
      startMs: at(m, rng),
      durationMs: Math.max(2_000, Math.round(bytesIn / 20_000)),
      src: h.ip,
      dst: rng.pick(MIRRORS),
      srcPort: ephemeral(rng),
      dstPort: 443,
      protocol: 'T',
      packetsOut: Math.ceil(bytesIn / 40_000),
      bytesOut: Math.ceil(bytesIn / 50),
      packetsIn: Math.ceil(bytesIn / 1400),
      bytesIn,
      outboundRule: dflt('AllowInternetOutBound'),
    });
  }
  return out;
};

/** Nightly database backup to a storage private endpoint at 02:00 UTC: gigabytes, but inside the VNet. */
const backups: TrafficGenerator = (m) => {
  const d = new Date(m);
  if (d.getUTCHours() !== 2 || d.getUTCMinutes() !== 0) return [];
  const bytesOut = 8_000_000_000;
  return [
    {
      startMs: m + 5_000,
      durationMs: 45 * MINUTE,
      src: host('db-1').ip,
      dst: BACKUP_PRIVATE_ENDPOINT,
      srcPort: 50_123,
      dstPort: 443,
      protocol: 'T',
      packetsOut: Math.ceil(bytesOut / 1400),
      bytesOut,
      packetsIn: Math.ceil(bytesOut / 30_000),
      bytesIn: Math.ceil(bytesOut / 200),
      outboundRule: dflt('AllowVnetOutBound'),
    },
  ];
};

const dns: TrafficGenerator = (m, rng) => {
  const out: Connection[] = [];
  for (const h of HOSTS) {
    if (!rng.chance(0.3)) continue;
    out.push({
      startMs: at(m, rng),
      durationMs: 30,
      src: h.ip,
      dst: AZURE_PLATFORM_IP,
      srcPort: ephemeral(rng),
      dstPort: 53,
      protocol: 'U',
      packetsOut: 1,
      bytesOut: rng.int(60, 90),
      packetsIn: 1,
      bytesIn: rng.int(90, 300),
      outboundRule: dflt('AllowVnetOutBound'),
    });
  }
  return out;
};

/** Ports internet scanners try. 80/443 are served; 3389 and 20–21 are left out so planted incidents stay the only hits on those rules. */
const PROBED_PORTS = [
  22, 23, 25, 53, 110, 135, 139, 445, 1433, 1521, 2375, 3306, 5432, 5900, 5985, 6379, 8080, 8443, 9200, 27017,
];

/** Background noise: single probes from many internet hosts, denied by the default inbound rule. */
const backgroundScanners: TrafficGenerator = (m, rng) => {
  const out: Connection[] = [];
  const n = rng.poisson(3);
  for (let i = 0; i < n; i++) {
    out.push(
      probe(
        at(m, rng),
        publicClientIp(rng),
        rng.pick(['10.10.1.4', '10.10.1.5', '10.10.1.6']),
        rng.pick(PROBED_PORTS),
        rng,
      ),
    );
  }
  return out;
};

export function probe(startMs: number, src: string, dst: string, port: number, rng: Rng): Connection {
  const allowed = port === 80 || port === 443;
  return {
    startMs,
    durationMs: allowed ? 100 : 0,
    src,
    dst,
    srcPort: ephemeral(rng),
    dstPort: port,
    protocol: 'T',
    packetsOut: 1,
    bytesOut: 60,
    packetsIn: allowed ? 1 : 0,
    bytesIn: allowed ? 60 : 0,
    inboundRule: allowed
      ? user(port === 443 ? 'AllowHttpsInbound' : 'AllowHttpInbound')
      : dflt('DenyAllInBound', 'D'),
  };
}

export const BENIGN_TRAFFIC: readonly TrafficGenerator[] = [
  webClients,
  webToApp,
  appToDb,
  dbaSessions,
  corpSsh,
  updates,
  backups,
  dns,
  backgroundScanners,
];
