import type { Finding, Severity } from '../../../core/finding.js';
import { fingerprint } from '../../fingerprint.js';
import { sortSamples } from '../../sql.js';
import type { MaliciousIpConfig } from './config.js';
import type { ListedRow } from './query.js';

export const MALICIOUS_CATEGORY = 'malicious-ip';

/**
 * Traffic with addresses on a threat-intel list:
 * - allowed outbound (a host here reached a listed address): critical, one finding per host and peer;
 * - allowed inbound (a listed address got in): high, one finding per host and peer;
 * - denied either way: the NSG did its job; one info finding per list and direction with the counts.
 * A peer on several lists gives one finding naming every list.
 */
export function detectMalicious(rows: ListedRow[], config: MaliciousIpConfig): Finding[] {
  const allowed = new Map<string, ListedRow[]>();
  const out: Finding[] = [];
  for (const row of rows) {
    if (row.action === 'deny') {
      if (config.reportDenied) out.push(deniedFinding(row));
      continue;
    }
    const key = `${row.direction}|${row.localIp}|${row.remoteIp}`;
    allowed.set(key, [...(allowed.get(key) ?? []), row]);
  }
  for (const group of allowed.values()) out.push(allowedFinding(group));
  return out;
}

function allowedFinding(rows: ListedRow[]): Finding {
  const r = rows[0]!;
  const lists = rows.map((x) => x.list).sort();
  const severity: Severity = r.direction === 'outbound' ? 'critical' : 'high';
  const what =
    r.direction === 'outbound'
      ? `${r.localIp} reached ${r.remoteIp}, which is on ${lists.join(', ')}`
      : `${r.remoteIp}, on ${lists.join(', ')}, got through to ${r.localIp}`;
  return {
    id: fingerprint(MALICIOUS_CATEGORY, { ip: r.localIp, remoteIp: r.remoteIp, direction: r.direction }),
    category: MALICIOUS_CATEGORY,
    severity,
    title: `${r.direction === 'outbound' ? 'Outbound to' : 'Inbound from'} listed address ${r.remoteIp}`,
    reason:
      `${what}: ${r.flows} allowed ${r.direction} flow(s), ${r.bytes} bytes, ports ${r.ports.join(', ')} ` +
      `(NSG ${r.topNsg || '?'}, rule ${r.topRule || '?'}).`,
    firstSeen: minOf(rows.map((x) => x.firstSeen)),
    lastSeen: maxOf(rows.map((x) => x.lastSeen)),
    subject: { ip: r.localIp, remoteIp: r.remoteIp, nsg: r.topNsg, rule: r.topRule },
    evidence: {
      flows: r.flows,
      bytes: r.bytes,
      packets: r.packets,
      distinctPeers: 1,
      threatLists: lists,
      confidence: Math.max(...rows.map((x) => x.confidence)),
      direction: r.direction,
      ports: r.ports,
      sampleFlows: sortSamples(r.samples),
    },
    status: 'open',
  };
}

function deniedFinding(r: ListedRow): Finding {
  return {
    id: fingerprint(MALICIOUS_CATEGORY, { list: r.list, direction: r.direction, action: 'deny' }),
    category: MALICIOUS_CATEGORY,
    severity: 'info',
    title: `Denied ${r.direction} traffic with addresses on ${r.list}`,
    reason: `${r.flows} ${r.direction} flow(s) with ${r.peers} address(es) on ${r.list} were denied (${r.locals} local address(es)); nothing got through.`,
    firstSeen: r.firstSeen,
    lastSeen: r.lastSeen,
    subject: { nsg: r.topNsg, rule: r.topRule },
    evidence: {
      flows: r.flows,
      bytes: r.bytes,
      packets: r.packets,
      distinctPeers: r.peers,
      threatLists: [r.list],
      confidence: r.confidence,
      direction: r.direction,
      ports: r.ports,
      sampleFlows: sortSamples(r.samples),
    },
    status: 'open',
  };
}

const minOf = (xs: string[]) => xs.reduce((a, b) => (a < b ? a : b));
const maxOf = (xs: string[]) => xs.reduce((a, b) => (a > b ? a : b));
