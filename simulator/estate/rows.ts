import { chTime } from '../../core/clickhouse/time.js';
import { isPublicIpText } from '../../core/net/ip.js';
import { estateHostByIp } from './topology.js';

/** A `flows` row as inserted with JSONEachRow (columns of migration 0001 that the estate fills). */
export interface EstateFlowRow {
  time: string;
  format: 'nsg-v2';
  nsg: string;
  rule: string;
  rule_name: string;
  rule_kind: 'user' | 'default';
  mac: string;
  src_ip: string;
  dst_ip: string;
  src_port: number;
  dst_port: number;
  protocol: number;
  direction: 'inbound' | 'outbound';
  action: 'allow' | 'deny';
  state: 'begin' | 'continue' | 'end';
  packets_sent: number;
  bytes_sent: number;
  packets_received: number;
  bytes_received: number;
  has_counters: boolean;
  remote_is_public: boolean;
}

/**
 * One connection (initiator → responder). Rules are as logged (`UserRule_x`/`DefaultRule_x`);
 * `deniedAt` names the NSG side that dropped it (a denied flow is logged once, without counters).
 */
export interface EstateConnection {
  startMs: number;
  durationMs: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  protocol: 6 | 17;
  /** Source → destination bytes over the whole connection. */
  bytesOut: number;
  /** Destination → source bytes. */
  bytesIn: number;
  outRule?: string;
  inRule?: string;
  deniedAt?: 'inbound' | 'outbound';
}

const CONTINUE_MS = 5 * 60_000;
const MTU = 1400;
const SHORT_MS = 60_000;

/** The rows every NSG on the path writes: B, C every 5 min with deltas, E; a deny is one B row. */
export function connectionRows(c: EstateConnection): EstateFlowRow[] {
  const out: EstateFlowRow[] = [];
  const legs: ['outbound' | 'inbound', string, string | undefined][] = [
    ['outbound', c.src, c.outRule ?? 'DefaultRule_AllowInternetOutBound'],
    ['inbound', c.dst, c.inRule ?? 'DefaultRule_AllowVnetInBound'],
  ];
  for (const [direction, ip, rule] of legs) {
    const h = estateHostByIp(ip);
    if (!h || !rule) continue;
    const denied = c.deniedAt === direction;
    const remote = direction === 'inbound' ? c.src : c.dst;
    const base = {
      format: 'nsg-v2' as const,
      nsg: h.nsg,
      rule,
      rule_name: rule.replace(/^(UserRule_|DefaultRule_)/, ''),
      rule_kind: rule.startsWith('UserRule_') ? ('user' as const) : ('default' as const),
      mac: h.mac,
      src_ip: c.src,
      dst_ip: c.dst,
      src_port: c.srcPort,
      dst_port: c.dstPort,
      protocol: c.protocol,
      direction,
      action: denied ? ('deny' as const) : ('allow' as const),
      remote_is_public: isPublicIpText(remote),
    };
    // Short connections are one E row (what a B+E pair sums to; halves the rows of the estate).
    if (!denied && !c.deniedAt && c.durationMs < SHORT_MS) {
      out.push({
        ...base,
        time: chTime(c.startMs + c.durationMs),
        state: 'end',
        ...counters(c.bytesOut, c.bytesIn),
      });
      continue;
    }
    out.push({ ...base, time: chTime(c.startMs), state: 'begin', ...zero });
    if (denied) break; // the responder's NSG never sees a flow dropped at the initiator
    // Dropped at the responder: the initiator's NSG saw only the attempt, no counters.
    if (!c.deniedAt) out.push(...counterRows(c, base));
  }
  return out;
}

const zero = { packets_sent: 0, bytes_sent: 0, packets_received: 0, bytes_received: 0, has_counters: false };

function counterRows<B extends object>(c: EstateConnection, base: B): (B & Counters)[] {
  const rows: (B & Counters)[] = [];
  const end = c.startMs + c.durationMs;
  let sentOut = 0;
  let sentIn = 0;
  for (let t = c.startMs + CONTINUE_MS; t < end; t += CONTINUE_MS) {
    const f = (t - c.startMs) / c.durationMs;
    const o = Math.round(c.bytesOut * f) - sentOut;
    const i = Math.round(c.bytesIn * f) - sentIn;
    sentOut += o;
    sentIn += i;
    rows.push({ ...base, time: chTime(t), state: 'continue', ...counters(o, i) });
  }
  rows.push({
    ...base,
    time: chTime(end),
    state: 'end',
    ...counters(c.bytesOut - sentOut, c.bytesIn - sentIn),
  });
  return rows;
}

interface Counters {
  time: string;
  state: 'continue' | 'end';
  packets_sent: number;
  bytes_sent: number;
  packets_received: number;
  bytes_received: number;
  has_counters: boolean;
}

const counters = (o: number, i: number) => ({
  packets_sent: Math.max(o > 0 ? 1 : 0, Math.ceil(o / MTU)),
  bytes_sent: o,
  packets_received: Math.max(i > 0 ? 1 : 0, Math.ceil(i / MTU)),
  bytes_received: i,
  has_counters: true,
});
