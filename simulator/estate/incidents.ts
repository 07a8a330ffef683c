import type { Expectation } from '../incidents.js';
import { ephemeral, type GenContext, HOUR, MB } from './context.js';
import type { EstateConnection } from './rows.js';
import { estateHost, hostsOf } from './topology.js';

/**
 * A planted incident and what the detections should report. `must` incidents are the bar's
 * "every one found"; `hard` ones are the kinds a per-host, worst-hour detector misses (issue 12).
 * `actors` are the addresses whose other findings (same incident, other categories) count as
 * related rather than false.
 */
export interface EstateIncident extends Expectation {
  id: string;
  tier: 'must' | 'hard';
  actors: string[];
  /** Lowest severity that counts as found (medium unless said). */
  minSeverity?: 'low';
}

const ip = (name: string) => estateHost(name).ip;
const ATTACKER = {
  scanner: '185.220.101.45',
  bruteForcer: '45.155.205.233',
  c2: '91.219.236.18',
  c2Slow: '194.26.29.113',
  exfil: '5.188.86.12',
  sqlExfil: '193.42.33.7',
  drip: '45.9.148.99',
};

export const ESTATE_INCIDENTS: readonly EstateIncident[] = [
  {
    id: 'exposed-ssh',
    tier: 'must',
    category: 'exposed-management-port',
    subject: { ip: ip('dev-3'), port: 22 },
    actors: [ip('dev-3')],
    description: 'SSH on dev-3 open to any internet source',
  },
  {
    id: 'exposed-rdp',
    tier: 'must',
    category: 'exposed-management-port',
    subject: { ip: ip('dev-4'), port: 3389 },
    actors: [ip('dev-4')],
    description: 'RDP on dev-4 open to any internet source',
  },
  {
    id: 'brute-force',
    tier: 'must',
    category: 'brute-force',
    subject: { ip: ip('dev-3'), remoteIp: ATTACKER.bruteForcer },
    actors: [ATTACKER.bruteForcer],
    description: 'SSH brute force on dev-3',
  },
  {
    id: 'port-scan',
    tier: 'must',
    category: 'port-scan',
    subject: { ip: ip('web-2'), remoteIp: ATTACKER.scanner },
    actors: [ATTACKER.scanner],
    minSeverity: 'low',
    description: 'internet scan of 200 ports on web-2, all denied (worth a low record)',
  },
  {
    id: 'internal-sweep',
    tier: 'must',
    category: 'port-sweep',
    subject: { remoteIp: ip('app-4') },
    actors: [ip('app-4')],
    description: 'app-4 sweeps 25 hosts on 40 ports',
  },
  {
    id: 'beacon',
    tier: 'must',
    category: 'beaconing',
    subject: { ip: ip('app-5'), remoteIp: ATTACKER.c2 },
    actors: [ATTACKER.c2],
    description: 'app-5 beacons every 60 s to a new address',
  },
  {
    id: 'bulk-exfil',
    tier: 'must',
    category: 'exfiltration',
    subject: { ip: ip('app-3'), remoteIp: ATTACKER.exfil },
    actors: [ATTACKER.exfil],
    description: 'app-3 sends 6 GB to a new address in an hour',
  },
  {
    id: 'denied-winrm',
    tier: 'must',
    category: 'denied-required-flow',
    subject: { ip: ip('monitor-1'), remoteIp: ip('dc-1'), port: 5985 },
    actors: [ip('monitor-1')],
    minSeverity: 'low',
    description: "the monitoring server's WinRM checks to dc-1 are denied all day (a required flow blocked)",
  },
  {
    id: 'sql-exfil',
    tier: 'hard',
    category: 'exfiltration',
    subject: { ip: ip('sql-1'), remoteIp: ATTACKER.sqlExfil },
    actors: [ATTACKER.sqlExfil],
    description: 'sql-1 sends 3.26 GB to a new address; its worst hour is the nightly backup',
  },
  {
    id: 'low-and-slow',
    tier: 'hard',
    category: 'exfiltration',
    subject: { ip: ip('app-6'), remoteIp: ATTACKER.drip },
    actors: [ATTACKER.drip],
    description: 'app-6 leaks ~40 MB/h to one new address for 20 h',
  },
  {
    id: 'lateral-rdp',
    tier: 'hard',
    category: 'lateral-movement',
    subject: { ip: ip('web-2'), remoteIp: ip('dc-1'), port: 3389 },
    actors: [ip('web-2')],
    description: 'RDP from web-2 to dc-1 allowed by AllowVnetInBound',
  },
  {
    id: 'slow-beacon',
    tier: 'hard',
    category: 'beaconing',
    subject: { ip: ip('dev-4'), remoteIp: ATTACKER.c2Slow },
    actors: [ATTACKER.c2Slow],
    description: 'dev-4 beacons every ~10 min with 10 % jitter',
  },
];

const conn = (
  ctx: GenContext,
  t: number,
  src: string,
  dst: string,
  port: number,
  o: number,
  i: number,
  d = 2_000,
): EstateConnection => ({
  startMs: t,
  durationMs: d,
  src,
  dst,
  srcPort: ephemeral(ctx.rng),
  dstPort: port,
  protocol: 6,
  bytesOut: o,
  bytesIn: i,
});

/** Plants every incident inside [attackFrom, end): the look-back before it stays clean. */
export function plantIncidents(ctx: GenContext, attackFrom: number): void {
  const at = (h: number) => attackFrom + h * HOUR;
  const internetClients = Array.from(
    { length: 40 },
    (_, k) => `${61 + (k % 30)}.${k * 5}.${k * 3}.${k + 10}`,
  );
  // Exposures: many internet sources reach SSH on dev-3 and RDP on dev-4 through "any" rules.
  for (const [host, port, rule] of [
    ['dev-3', 22, 'UserRule_AllowSshAny'],
    ['dev-4', 3389, 'UserRule_AllowRdpAny'],
  ] as const) {
    internetClients.forEach((src, k) => {
      ctx.emit({ ...conn(ctx, at(1) + k * 60_000, src, ip(host), port, 3_000, 4_000), inRule: rule });
    });
  }
  // Brute force: 300 short SSH connections in 25 minutes.
  for (let k = 0; k < 300; k++)
    ctx.emit({
      ...conn(ctx, at(2) + k * 5_000, ATTACKER.bruteForcer, ip('dev-3'), 22, 2_500, 3_000),
      inRule: 'UserRule_AllowSshAny',
    });
  // Internet port scan of web-2: 200 ports, denied.
  for (let p = 1; p <= 200; p++)
    ctx.emit({
      ...conn(ctx, at(3) + p * 500, ATTACKER.scanner, ip('web-2'), p * 7, 0, 0, 0),
      inRule: 'DefaultRule_DenyAllInBound',
      deniedAt: 'inbound',
    });
  internalSweep(ctx, at(4));
  // Beacon: every 60 s ± 2 s for 20 h, tiny and constant.
  for (let t = at(0); t < at(20); t += 60_000 + ctx.rng.int(-2_000, 2_000))
    ctx.emit(conn(ctx, t, ip('app-5'), ATTACKER.c2, 443, 1_200, 3_400));
  // Slow beacon: ~600 s with ±10 % jitter for 20 h.
  for (let t = at(0); t < at(20); t += 600_000 + ctx.rng.int(-60_000, 60_000))
    ctx.emit(conn(ctx, t, ip('dev-4'), ATTACKER.c2Slow, 8443, 900 + ctx.rng.int(0, 200), 2_000));
  ctx.emit(conn(ctx, at(6), ip('app-3'), ATTACKER.exfil, 443, 6 * 1024 * MB, 4 * MB, 50 * 60_000));
  // 3.26 GB from sql-1 in the afternoon; its 8+ GB nightly backup stays the host's worst hour.
  ctx.emit(
    conn(ctx, at(14), ip('sql-1'), ATTACKER.sqlExfil, 443, Math.round(3.26 * 1024 * MB), 2 * MB, 45 * 60_000),
  );
  // Low and slow: ~40 MB per hour in four pieces, for 20 h.
  for (let t = at(0); t < at(20); t += 15 * 60_000)
    ctx.emit(conn(ctx, t, ip('app-6'), ATTACKER.drip, 443, 10 * MB + ctx.rng.int(0, MB), 20_000, 90_000));
  // A required flow blocked: monitor-1's WinRM health check to dc-1 every 15 minutes, denied.
  for (let t = at(0); t < at(20); t += 15 * 60_000) {
    const c = conn(ctx, t, ip('monitor-1'), ip('dc-1'), 5985, 0, 0, 0);
    ctx.emit({ ...c, inRule: 'DefaultRule_DenyAllInBound', deniedAt: 'inbound' });
  }
  // Lateral movement: a 40-minute RDP session from web-2 to dc-1 (AllowVnetInBound lets it through).
  ctx.emit({
    ...conn(ctx, at(9), ip('web-2'), ip('dc-1'), 3389, 20 * MB, 90 * MB, 40 * 60_000),
    inRule: 'DefaultRule_AllowVnetInBound',
  });
}

/** app-4 probes 25 hosts on 40 ports each within 30 minutes (most denied, some answered). */
function internalSweep(ctx: GenContext, t0: number): void {
  const targets = [
    ...hostsOf('web'),
    ...hostsOf('sql'),
    ...hostsOf('aks'),
    ...hostsOf('dc'),
    ...hostsOf('dev'),
    ...hostsOf('app'),
  ]
    .filter((h) => h.name !== 'app-4')
    .slice(0, 25);
  const ports = [
    21, 22, 23, 25, 80, 110, 135, 139, 143, 443, 445, 993, 1433, 1521, 2049, 2375, 3306, 3389, 5432, 5900,
    5985, 5986, 6379, 6443, 7001, 8000, 8080, 8081, 8443, 8888, 9000, 9090, 9100, 9200, 10250, 11211, 15672,
    27017, 50000, 50070,
  ];
  targets.forEach((h, i) => {
    ports.forEach((p, k) => {
      const c = conn(ctx, t0 + i * 60_000 + k * 100, ip('app-4'), h.ip, p, 0, 0, 0);
      ctx.emit({ ...c, inRule: 'DefaultRule_DenyAllInBound', deniedAt: 'inbound' });
    });
  });
}
