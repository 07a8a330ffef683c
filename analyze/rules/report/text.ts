import type { Backtest, PeerInfo, Recommendation } from '../analysis/types.js';
import type { NsgRule } from '../model/types.js';

/** Short text forms shared by the Markdown, HTML and CSV renderers. */
export const PROTOCOLS: Record<number, string> = {
  1: 'ICMP',
  6: 'TCP',
  17: 'UDP',
  50: 'ESP',
  51: 'AH',
  58: 'ICMPv6',
};

export function addresses(values: readonly string[], asgs: readonly string[]): string {
  const all = [...values, ...asgs.map((a) => `ASG ${a.slice(a.lastIndexOf('/') + 1)}`)];
  return all.length ? all.join(', ') : '*';
}

export function ruleFields(r: NsgRule): [string, string][] {
  return [
    ['priority', String(r.priority)],
    ['direction', r.direction],
    ['access', r.access],
    ['protocol', r.protocol],
    ['source', addresses(r.sourceAddresses, r.sourceAsgs)],
    ['source ports', r.sourcePorts.join(', ') || '*'],
    ['destination', addresses(r.destinationAddresses, r.destinationAsgs)],
    ['destination ports', r.destinationPorts.join(', ') || '*'],
  ];
}

export function backtestText(b: Backtest | null | undefined): string {
  if (!b) return 'n/a';
  if (b.confidence === null) return `n/a (no traffic after ${b.split.slice(0, 10)})`;
  return `${b.level} (${(b.confidence * 100).toFixed(1)}% of ${b.testFlows} later flows still allowed)`;
}

export function newlyDeniedText(r: Recommendation): string {
  return r.whatIf ? `${r.whatIf.newlyDeniedCount} of ${r.whatIf.replayedFlows} flows` : 'n/a';
}

export function countBy<T>(items: readonly T[], key: (t: T) => string): [string, number][] {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** `8.8.8.8:53 (US, AS15169 Google LLC)` (then service tag and `listed: …`) when the enrichment knows the address. */
export function endpointText(ip: string, port: number, peers: Record<string, PeerInfo> | undefined): string {
  const p = peers?.[ip];
  const lists = p?.threatLists?.length ? `listed: ${p.threatLists.join(' ')}` : '';
  const who = p
    ? [p.country, p.asn ? `AS${p.asn} ${p.asName}`.trim() : '', p.serviceTag, lists]
        .filter(Boolean)
        .join(', ')
    : '';
  return `${ip}:${port}${who ? ` (${who})` : ''}`;
}
