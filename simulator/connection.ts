import { hostByIp } from './topology.js';

/**
 * One simulated connection (initiator → responder) and how each NSG that saw it logs it.
 * Azure logs a flow at every NIC whose NSG processed it: the initiator's NIC (outbound) and the
 * responder's NIC (inbound) when both are ours. Each side names the rule that decided it.
 */
export interface Connection {
  startMs: number;
  durationMs: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  protocol: 'T' | 'U';
  /** Source → destination totals over the whole connection. */
  packetsOut: number;
  bytesOut: number;
  /** Destination → source totals. */
  packetsIn: number;
  bytesIn: number;
  /** Rule at the source host's NSG (outbound) — omitted when the source is not ours. */
  outboundRule?: RuleDecision;
  /** Rule at the destination host's NSG (inbound) — omitted when the destination is not ours. */
  inboundRule?: RuleDecision;
}

export interface RuleDecision {
  /** As logged: `UserRule_x` or `DefaultRule_x`. */
  rule: string;
  action: 'A' | 'D';
}

/** A tuple as it will be written, before format-specific rendering. */
export interface TupleEvent {
  timeMs: number;
  mac: string;
  nsg: string;
  rule: string;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  protocol: 'T' | 'U';
  direction: 'I' | 'O';
  action: 'A' | 'D';
  state: 'B' | 'C' | 'E';
  /** Deltas since the previous tuple of the flow; undefined on B rows and denies. */
  counters?: [number, number, number, number];
}

/** Azure reports continuing flows every 5 minutes (MS docs, NSG flow log v2 "C" state). */
const CONTINUE_INTERVAL_MS = 5 * 60_000;

/** Expands a connection into the tuples each logging NIC writes: B, C every 5 min, E with deltas. */
export function connectionTuples(c: Connection): TupleEvent[] {
  const out: TupleEvent[] = [];
  const legs: [string, 'I' | 'O', RuleDecision | undefined][] = [
    [c.src, 'O', c.outboundRule],
    [c.dst, 'I', c.inboundRule],
  ];
  for (const [ip, direction, decision] of legs) {
    const h = hostByIp(ip);
    if (!h || !decision) continue;
    const base = {
      mac: h.mac,
      nsg: h.nsg,
      rule: decision.rule,
      src: c.src,
      dst: c.dst,
      srcPort: c.srcPort,
      dstPort: c.dstPort,
      protocol: c.protocol,
      direction,
      action: decision.action,
    };
    out.push({ ...base, timeMs: c.startMs, state: 'B' });
    if (decision.action === 'D') continue; // denied flows are logged once, without statistics
    const end = c.startMs + c.durationMs;
    let last = c.startMs;
    let sent: [number, number, number, number] = [0, 0, 0, 0];
    for (let t = c.startMs + CONTINUE_INTERVAL_MS; t < end; t += CONTINUE_INTERVAL_MS) {
      const delta = share(c, last, t, sent);
      sent = add(sent, delta);
      out.push({ ...base, timeMs: t, state: 'C', counters: delta });
      last = t;
    }
    const rest: [number, number, number, number] = [
      c.packetsOut - sent[0],
      c.bytesOut - sent[1],
      c.packetsIn - sent[2],
      c.bytesIn - sent[3],
    ];
    out.push({ ...base, timeMs: end, state: 'E', counters: rest });
  }
  return out;
}

function share(c: Connection, from: number, to: number, sent: number[]): [number, number, number, number] {
  const f = (to - from) / Math.max(1, c.durationMs);
  const totals = [c.packetsOut, c.bytesOut, c.packetsIn, c.bytesIn];
  return totals.map((t, i) => Math.min(t - sent[i]!, Math.round(t * f))) as [number, number, number, number];
}

function add(
  a: [number, number, number, number],
  b: [number, number, number, number],
): [number, number, number, number] {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]];
}
