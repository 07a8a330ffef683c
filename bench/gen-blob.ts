/**
 * Deterministic synthetic flow-log blobs for benchmarks (docs/reference/performance-facts.md §6 `gen.mjs`): a
 * seeded mulberry32 PRNG draws per-(minute, rule, MAC) tuple counts from rule weights with ±40 %
 * jitter, sized to a byte target; each rule fixes the tuple shape (peers, ports, T/U, I/O, A/D and the
 * B/C/E mix; denies are B rows with empty counters). 60 one-minute records with Azure's nesting,
 * joined by `\r\n,` like the blocks Azure appends.
 * @see https://learn.microsoft.com/azure/network-watcher/nsg-flow-logs-overview#log-format
 */

export interface GenOptions {
  /** Approximate size of the blob in bytes. */
  targetBytes: number;
  seed: number;
}

type Rng = () => number;

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface RuleShape {
  rule: string;
  weight: number;
  inbound: boolean;
  deny: boolean;
  udpShare: number;
  ports: number[];
  /** Remote peers: 'public' draws internet addresses, 'vnet' draws 10.x. */
  peers: 'public' | 'vnet';
  statelessBeginOnly?: boolean;
}

const RULES: RuleShape[] = [
  {
    rule: 'DefaultRule_AllowInternetOutBound',
    weight: 0.35,
    inbound: false,
    deny: false,
    udpShare: 0.1,
    ports: [443, 443, 443, 80, 123],
    peers: 'public',
  },
  {
    rule: 'DefaultRule_AllowVnetInBound',
    weight: 0.15,
    inbound: true,
    deny: false,
    udpShare: 0.05,
    ports: [445, 3389, 22, 5985],
    peers: 'vnet',
  },
  {
    rule: 'DefaultRule_DenyAllInBound',
    weight: 0.25,
    inbound: true,
    deny: true,
    udpShare: 0.2,
    ports: [22, 23, 3389, 445, 1433, 8080],
    peers: 'public',
  },
  {
    rule: 'UserRule_AllowHttpsInbound',
    weight: 0.2,
    inbound: true,
    deny: false,
    udpShare: 0,
    ports: [443],
    peers: 'public',
  },
  {
    rule: 'UserRule_SSH',
    weight: 0.05,
    inbound: true,
    deny: false,
    udpShare: 0,
    ports: [22],
    peers: 'public',
    statelessBeginOnly: true,
  },
];

const MACS = ['000D3AF87856', '000D3AF87857', '000D3AF87858', '000D3AF87859'];
const START_MS = Date.UTC(2024, 7, 19, 18, 0, 0);
const SUB = 'AAAA0A0A-BB1B-CC2C-DD3D-EEEEEE4E4E4E';

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

function peer(rng: Rng, kind: 'public' | 'vnet'): string {
  if (kind === 'vnet') return `10.0.${Math.floor(rng() * 4)}.${4 + Math.floor(rng() * 250)}`;
  const first = pick(rng, [20, 40, 52, 104, 185, 193, 45, 91]);
  return `${first}.${Math.floor(rng() * 256)}.${Math.floor(rng() * 256)}.${1 + Math.floor(rng() * 254)}`;
}

interface Draw {
  ts: number;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  udp: boolean;
  inbound: boolean;
  deny: boolean;
  state: 'B' | 'C' | 'E';
  counters: [number, number, number, number] | null;
}

function drawTuple(rng: Rng, shape: RuleShape, local: string, minuteMs: number): Draw {
  const remote = peer(rng, shape.peers);
  const ephemeral = 1024 + Math.floor(rng() * 64000);
  const port = pick(rng, shape.ports);
  const roll = rng();
  const state = shape.deny || shape.statelessBeginOnly ? 'B' : roll < 0.4 ? 'B' : roll < 0.6 ? 'C' : 'E';
  const packets = 1 + Math.floor(rng() * 200);
  const counters: Draw['counters'] =
    state === 'B'
      ? null
      : [
          packets,
          packets * (60 + Math.floor(rng() * 1400)),
          packets,
          packets * (60 + Math.floor(rng() * 900)),
        ];
  return {
    ts: minuteMs + Math.floor(rng() * 60_000),
    src: shape.inbound ? remote : local,
    dst: shape.inbound ? local : remote,
    sport: shape.inbound ? ephemeral : ephemeral,
    dport: port,
    udp: rng() < shape.udpShare,
    inbound: shape.inbound,
    deny: shape.deny,
    state,
    counters,
  };
}

/** Tuples per (minute, rule, MAC), scaled so the blob lands near `targetBytes`. */
function tupleCount(
  rng: Rng,
  opts: GenOptions,
  shape: RuleShape,
  bytesPerTuple: number,
  macs: number,
): number {
  const total = opts.targetBytes / bytesPerTuple;
  return Math.max(0, Math.round(((total * shape.weight) / (60 * macs)) * (0.6 + rng() * 0.8)));
}

function nsgTuple(d: Draw): string {
  const head = `${Math.floor(d.ts / 1000)},${d.src},${d.dst},${d.sport},${d.dport},${d.udp ? 'U' : 'T'},${d.inbound ? 'I' : 'O'},${d.deny ? 'D' : 'A'},${d.state}`;
  return d.counters ? `${head},${d.counters.join(',')}` : `${head},,,,`;
}

function vnetTuple(d: Draw): string {
  const state = d.deny ? 'D' : d.state;
  const counters = d.counters ?? [0, 0, 0, 0];
  return `${d.ts},${d.src},${d.dst},${d.sport},${d.dport},${d.udp ? 17 : 6},${d.inbound ? 'I' : 'O'},${state},NX,${counters.join(',')}`;
}

function recordTime(minute: number): string {
  return new Date(START_MS + minute * 60_000 + 6_000).toISOString().replace('Z', '1234Z');
}

function wrap(records: string[]): Buffer {
  return Buffer.from(`{"records":[\r\n${records.join('\r\n,')}\r\n]}`, 'utf8');
}

/** An NSG flow log v2 `PT1H.json`: 60 records × 5 rules × 4 MACs. */
export function generateNsgV2Blob(opts: GenOptions): Buffer {
  const rng = mulberry32(opts.seed);
  const records: string[] = [];
  for (let minute = 0; minute < 60; minute++) {
    const minuteMs = START_MS + (minute - 1) * 60_000;
    const flows = RULES.map((shape) => ({
      rule: shape.rule,
      flows: MACS.map((mac, m) => {
        const n = tupleCount(rng, opts, shape, 62, MACS.length);
        const draws = Array.from({ length: n }, () => drawTuple(rng, shape, `10.0.0.${4 + m}`, minuteMs));
        draws.sort((a, b) => a.ts - b.ts);
        return { mac, flowTuples: draws.map(nsgTuple) };
      }),
    }));
    records.push(
      JSON.stringify({
        time: recordTime(minute),
        systemId: '55ff55ff-aa66-bb77-cc88-99dd99dd99dd',
        macAddress: MACS[0],
        category: 'NetworkSecurityGroupFlowEvent',
        resourceId: `/SUBSCRIPTIONS/${SUB}/RESOURCEGROUPS/BENCH-RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/BENCH-NSG`,
        operationName: 'NetworkSecurityGroupFlowEvents',
        properties: { Version: 2, flows },
      }),
    );
  }
  return wrap(records);
}

/** A VNet flow log (flowLogVersion 4) `PT1H.json` for one NIC, keys alphabetically ordered like real blobs. */
export function generateVnetBlob(opts: GenOptions): Buffer {
  const rng = mulberry32(opts.seed);
  const records: string[] = [];
  const nsgId = `/subscriptions/${SUB.toLowerCase()}/resourceGroups/bench-rg/providers/Microsoft.Network/networkSecurityGroups/bench-nsg`;
  for (let minute = 0; minute < 60; minute++) {
    const minuteMs = START_MS + (minute - 1) * 60_000;
    const flowGroups = RULES.map((shape) => {
      const n = tupleCount(rng, opts, shape, 72, 1);
      const draws = Array.from({ length: n }, () => drawTuple(rng, shape, '10.0.0.4', minuteMs));
      draws.sort((a, b) => a.ts - b.ts);
      return { flowTuples: draws.map(vnetTuple), rule: shape.rule };
    });
    records.push(
      JSON.stringify({
        category: 'FlowLogFlowEvent',
        flowLogGUID: 'dc407432-823e-4dbe-8d03-b33bb54b7dec',
        flowLogResourceID: `/SUBSCRIPTIONS/${SUB}/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_WESTUS/FLOWLOGS/BENCH-FLOWLOG`,
        flowLogVersion: 4,
        flowRecords: { flows: [{ aclID: nsgId, flowGroups }] },
        macAddress: MACS[0],
        operationName: 'FlowLogFlowEvent',
        targetResourceID: `/subscriptions/${SUB.toLowerCase()}/resourceGroups/bench-rg/providers/Microsoft.Network/virtualNetworks/bench-vnet`,
        time: recordTime(minute),
      }),
    );
  }
  return wrap(records);
}
