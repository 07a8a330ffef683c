/**
 * Many-host flow logs for the small-blob bench: one `PT1H.json` per NIC per hour, as Azure writes
 * them (one NSG v2 record per minute, a few rules, ~10 tuples a minute per host: ≈ 100 KB and
 * ≈ 650 tuples an hour, the shape of the 495 real-estate blobs in issue 16). Seeded per NIC, so
 * the same NIC always gets the same bytes; hosts, peers and NSGs differ across NICs.
 */
import { mulberry32 } from './gen-blob.js';

const RULES = [
  { rule: 'DefaultRule_AllowInternetOutBound', inbound: false, ports: [443, 80, 123] },
  { rule: 'UserRule_allow-https-in', inbound: true, ports: [443] },
  { rule: 'UserRule_allow-vnet-ssh', inbound: true, ports: [22, 3389] },
  { rule: 'DefaultRule_DenyAllInBound', inbound: true, ports: [23, 445, 1433, 3306, 8080] },
];

export interface NicOptions {
  nic: number;
  /** Start of the hour (ms since epoch, UTC). */
  hourMs: number;
  tuplesPerMinute: number;
}

export function nicMac(nic: number): string {
  return (0x000d3a000000 + nic).toString(16).toUpperCase().padStart(12, '0');
}

/** The record of one minute (what one appended block holds, without the separator). */
export function nicMinuteRecord(o: NicOptions, minute: number): string {
  const rng = mulberry32(o.nic * 7919 + minute);
  const mac = nicMac(o.nic);
  const local = `10.${(o.nic >> 16) & 255}.${(o.nic >> 8) & 255}.${o.nic & 255}`;
  const minuteMs = o.hourMs + minute * 60_000;
  const byRule = new Map<string, string[]>();
  for (let t = 0; t < o.tuplesPerMinute; t++) {
    const shape = RULES[Math.floor(rng() * RULES.length)]!;
    const deny = shape.rule.includes('Deny');
    const remote = `${20 + Math.floor(rng() * 200)}.${Math.floor(rng() * 256)}.${Math.floor(rng() * 256)}.${1 + Math.floor(rng() * 254)}`;
    const port = shape.ports[Math.floor(rng() * shape.ports.length)]!;
    const eph = 1024 + Math.floor(rng() * 64000);
    const [src, dst, sport, dport] = shape.inbound ? [remote, local, eph, port] : [local, remote, eph, port];
    const ts = Math.floor((minuteMs + rng() * 60_000) / 1000);
    const state = deny ? 'B' : ['B', 'C', 'E'][Math.floor(rng() * 3)]!;
    const p = 1 + Math.floor(rng() * 200);
    const counters = state === 'B' ? ',,,' : `${p},${p * 700},${p},${p * 400}`;
    const tuple = `${ts},${src},${dst},${sport},${dport},${rng() < 0.2 ? 'U' : 'T'},${shape.inbound ? 'I' : 'O'},${deny ? 'D' : 'A'},${state},${counters}`;
    byRule.set(shape.rule, [...(byRule.get(shape.rule) ?? []), tuple]);
  }
  return JSON.stringify({
    time: new Date(minuteMs + 59_000).toISOString(),
    systemId: '55ff55ff-aa66-bb77-cc88-99dd99dd99dd',
    macAddress: mac,
    category: 'NetworkSecurityGroupFlowEvent',
    resourceId: `/SUBSCRIPTIONS/BENCH-SUB/RESOURCEGROUPS/RG-${o.nic % 20}/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG-${o.nic % 50}`,
    operationName: 'NetworkSecurityGroupFlowEvents',
    properties: {
      Version: 2,
      flows: [...byRule].map(([rule, tuples]) => ({ rule, flows: [{ mac, flowTuples: tuples }] })),
    },
  });
}

/** A whole hour blob of one NIC: head, 60 minute records joined like Azure's blocks, tail. */
export function nicHourBlob(o: NicOptions): Buffer {
  const records = Array.from({ length: 60 }, (_, m) => nicMinuteRecord(o, m));
  return Buffer.from(`{"records":[\r\n${records.join('\r\n,')}\r\n]}`, 'utf8');
}

/**
 * The hour records of NICs `0, 1, …` in one blob, as many NICs as fit in ≈ `bytes`: the same
 * records as the small blobs, so a large blob of it differs from them only in how many blobs
 * carry the rows (the small-blobs bench's like-for-like baseline).
 */
export function nicHoursBlob(bytes: number, o: Omit<NicOptions, 'nic'>): { body: Buffer; nics: number } {
  const records: string[] = [];
  let size = 0;
  let nics = 0;
  while (size < bytes) {
    for (let m = 0; m < 60; m++) {
      const record = nicMinuteRecord({ ...o, nic: nics }, m);
      records.push(record);
      size += record.length + 3;
    }
    nics++;
  }
  return { body: Buffer.from(`{"records":[\r\n${records.join('\r\n,')}\r\n]}`, 'utf8'), nics };
}
