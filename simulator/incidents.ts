import type { Connection } from './connection.js';
import type { Rng } from './random.js';
import { host } from './topology.js';
import { probe, publicClientIp } from './traffic.js';

/**
 * Planted incidents with their ground truth. Each starts at `incidentsAtMs + offsetMinutes` and is
 * what an analyst should be told about; everything else the simulator writes is benign.
 */
export interface Expectation {
  /** Finding category (issue 5 detectors, issue 6 rule analyses). */
  category: string;
  /** Subject fields that must match (a finding may carry more). */
  subject: { ip?: string; port?: number; remoteIp?: string; nsg?: string; rule?: string };
  description: string;
  /** For rule recommendations: what the tightened rule should keep. */
  proposal?: { ports?: string[]; sources?: string[] };
}

export interface Incident extends Expectation {
  id: string;
  offsetMinutes: number;
  /** Minutes the incident lasts (0 for rule-only expectations). */
  durationMinutes: number;
  traffic(minuteStartMs: number, incidentStartMs: number, rng: Rng): Connection[];
}

const MINUTE = 60_000;
const user = (name: string) => ({ rule: `UserRule_${name}`, action: 'A' as const });
const internet = () => ({ rule: 'DefaultRule_AllowInternetOutBound', action: 'A' as const });

const WEB_1 = host('web-1').ip;
const WEB_2 = host('web-2').ip;
const APP_1 = host('app-1').ip;
const APP_2 = host('app-2').ip;

/** In a hosting network known for mass scanning (so it has an AS, a country and a place on block lists). */
export const SCANNER_IP = '89.248.165.74';
export const BRUTE_FORCE_IP = '45.155.205.233';
export const C2_IP = '91.92.109.23';
export const EXFIL_IP = '185.220.101.45';

const portScan: Incident = {
  id: 'port-scan',
  category: 'port-scan',
  subject: { ip: WEB_1, remoteIp: SCANNER_IP },
  description: `${SCANNER_IP} probes 150 ports on web-1 within 3 minutes`,
  offsetMinutes: 0,
  durationMinutes: 3,
  traffic: (m, start, rng) => {
    const minute = Math.round((m - start) / MINUTE);
    const ports = scanPorts().slice(minute * 50, minute * 50 + 50);
    return ports.map((p) => probe(m + rng.int(0, MINUTE - 1), SCANNER_IP, WEB_1, p, rng));
  },
};

/** 150 distinct ports: the well-known range minus the ones the web NSG allows to everyone (20, 21, 3389). */
function scanPorts(): number[] {
  const ports: number[] = [];
  for (let p = 1; ports.length < 150; p++) if (p !== 20 && p !== 21 && p !== 3389) ports.push(p);
  return ports;
}

const rdpExposure: Incident = {
  id: 'rdp-exposed',
  category: 'exposed-management-port',
  subject: { ip: WEB_2, port: 3389 },
  description:
    'RDP on web-2 is reachable from the internet (rule AllowRdpFromInternet) and gets probed; three sessions are established',
  offsetMinutes: 2,
  durationMinutes: 30,
  traffic: (m, start, rng) => {
    const out: Connection[] = [];
    const established = m - start < 3 * MINUTE;
    for (let i = rng.poisson(1); i >= 0; i--) {
      const bytesIn = established && i === 0 ? rng.int(200_000, 2_000_000) : 0;
      out.push(rdp(m + rng.int(0, MINUTE - 1), publicClientIp(rng), rng, bytesIn));
    }
    return out;
  },
};

const bruteForce: Incident = {
  id: 'rdp-brute-force',
  category: 'brute-force',
  subject: { ip: WEB_2, port: 3389, remoteIp: BRUTE_FORCE_IP },
  description: `${BRUTE_FORCE_IP} makes 60 short RDP connections to web-2 in 5 minutes`,
  offsetMinutes: 4,
  durationMinutes: 5,
  traffic: (m, _start, rng) =>
    Array.from({ length: 12 }, () => rdp(m + rng.int(0, MINUTE - 1), BRUTE_FORCE_IP, rng, 0)),
};

function rdp(startMs: number, src: string, rng: Rng, bytesIn: number): Connection {
  const session = bytesIn > 0;
  return {
    startMs,
    durationMs: session ? rng.int(4 * MINUTE, 9 * MINUTE) : rng.int(300, 2_500),
    src,
    dst: WEB_2,
    srcPort: rng.int(32768, 60999),
    dstPort: 3389,
    protocol: 'T',
    packetsOut: session ? Math.ceil(bytesIn / 500) : rng.int(8, 14),
    bytesOut: session ? Math.ceil(bytesIn / 4) : rng.int(1_800, 3_200),
    packetsIn: session ? Math.ceil(bytesIn / 1200) : rng.int(6, 10),
    bytesIn: session ? bytesIn : rng.int(1_500, 2_600),
    inboundRule: user('AllowRdpFromInternet'),
  };
}

const beaconing: Incident = {
  id: 'beaconing',
  category: 'beaconing',
  subject: { ip: APP_1, remoteIp: C2_IP, port: 443 },
  description: `app-1 calls ${C2_IP}:443 every 60 s (±1 s) with small payloads`,
  offsetMinutes: 5,
  durationMinutes: 24 * 60,
  traffic: (m, _start, rng) => [
    {
      startMs: m + 20_000 + rng.int(-800, 800),
      durationMs: rng.int(150, 400),
      src: APP_1,
      dst: C2_IP,
      srcPort: rng.int(32768, 60999),
      dstPort: 443,
      protocol: 'T',
      packetsOut: 6,
      bytesOut: rng.int(900, 1_100),
      packetsIn: 5,
      bytesIn: rng.int(1_300, 1_500),
      outboundRule: internet(),
    },
  ],
};

const exfiltration: Incident = {
  id: 'exfiltration',
  category: 'exfiltration',
  subject: { ip: APP_2, remoteIp: EXFIL_IP },
  description: `app-2 pushes 6 GB over 40 minutes to ${EXFIL_IP}, an address it never talked to`,
  offsetMinutes: 8,
  durationMinutes: 1,
  traffic: (m) => [
    {
      startMs: m + 7_000,
      durationMs: 40 * MINUTE,
      src: APP_2,
      dst: EXFIL_IP,
      srcPort: 49_731,
      dstPort: 443,
      protocol: 'T',
      packetsOut: 4_300_000,
      bytesOut: 6_000_000_000,
      packetsIn: 900_000,
      bytesIn: 60_000_000,
      outboundRule: internet(),
    },
  ],
};

const noTraffic = () => [];

/** Rule problems the NSG analysis must find (traffic for them is the benign traffic itself). */
const ruleExpectations: Incident[] = [
  {
    id: 'unused-ftp-rule',
    category: 'unused-allow-rule',
    subject: { nsg: 'web-nsg', rule: 'AllowLegacyFtp' },
    description: 'web-nsg allows FTP from anywhere; nothing uses it',
    offsetMinutes: 0,
    durationMinutes: 0,
    traffic: noTraffic,
  },
  {
    id: 'over-wide-app-rule',
    category: 'overly-permissive-rule',
    subject: { nsg: 'app-nsg', rule: 'AllowWebToApp' },
    description: 'app-nsg allows 8000–8999 from the web subnet; only web-1 and web-2 use 8080',
    proposal: { ports: ['8080'], sources: [WEB_1, host('web-2').ip] },
    offsetMinutes: 0,
    durationMinutes: 0,
    traffic: noTraffic,
  },
  {
    id: 'over-wide-db-rule',
    category: 'overly-permissive-rule',
    subject: { nsg: 'db-nsg', rule: 'AllowAdminAll' },
    description:
      'db-nsg allows every port from the whole VNet; only jump-1 uses 5432 (visible only in VNet flow logs)',
    proposal: { ports: ['5432'], sources: [host('jump-1').ip] },
    offsetMinutes: 0,
    durationMinutes: 0,
    traffic: noTraffic,
  },
  {
    id: 'rdp-open-rule',
    category: 'management-port-open-to-internet',
    subject: { nsg: 'web-nsg', rule: 'AllowRdpFromInternet' },
    description: 'web-nsg allows RDP from any source',
    offsetMinutes: 0,
    durationMinutes: 0,
    traffic: noTraffic,
  },
];

export const INCIDENTS: readonly Incident[] = [
  portScan,
  rdpExposure,
  bruteForce,
  beaconing,
  exfiltration,
  ...ruleExpectations,
];

export function groundTruth(): Expectation[] {
  return INCIDENTS.map(({ category, subject, description, proposal }) => ({
    category,
    subject,
    description,
    ...(proposal ? { proposal } : {}),
  }));
}
