import type { Finding } from '../../../core/finding.js';
import { fingerprint } from '../../fingerprint.js';
import { portName, protocolName } from '../../ports.js';
import { sortSamples } from '../../sql.js';
import type { DeniedFlowRow } from './query.js';

export const DENIED_REQUIRED_FLOW_CATEGORY = 'denied-required-flow';

/** The smallest NSG allow rule that lets exactly this flow through, placed before the denying rule. */
export interface AllowFix {
  nsg: string;
  direction: 'Inbound' | 'Outbound';
  access: 'Allow';
  protocol: 'Tcp' | 'Udp' | '*';
  sourceAddressPrefix: string;
  destinationAddressPrefix: string;
  destinationPortRange: string;
  /** Must sort before this rule (a lower priority number) to take effect. */
  before: string;
}

export function smallestAllow(row: DeniedFlowRow): AllowFix {
  const protocol = row.protocol === 6 ? 'Tcp' : row.protocol === 17 ? 'Udp' : '*';
  return {
    nsg: row.topNsg,
    direction: row.dir === 'inbound' ? 'Inbound' : 'Outbound',
    access: 'Allow',
    protocol,
    sourceAddressPrefix: `${row.src}/32`,
    destinationAddressPrefix: `${row.dst}/32`,
    destinationPortRange: String(row.port),
    before: row.topRule,
  };
}

/**
 * One finding per persistently denied (source, destination, port). Low: an availability and
 * hygiene matter, not an attack — unless the rule that denies it is the catch-all default deny,
 * which means nobody wrote a rule for a flow the hosts keep needing (still low; the evidence says).
 */
export function detectDeniedRequiredFlows(rows: DeniedFlowRow[]): Finding[] {
  return rows.map((row) => {
    const fix = smallestAllow(row);
    const service = `${portName(row.port)} (${row.port}/${protocolName(row.protocol)})`;
    const key = { ip: row.src, remoteIp: row.dst, port: row.port };
    return {
      id: fingerprint(DENIED_REQUIRED_FLOW_CATEGORY, key),
      category: DENIED_REQUIRED_FLOW_CATEGORY,
      severity: 'low',
      title: `${row.src} → ${row.dst} ${service} keeps being denied by ${row.topRule || '?'}`,
      reason:
        `${row.attempts} denied attempts over ${row.hours} distinct hours by ${row.topRule || '?'} ` +
        `(NSG ${row.topNsg || '?'}, ${row.dir}). If the flow is required, the smallest fix is an allow ` +
        `rule ${fix.protocol} ${fix.sourceAddressPrefix} → ${fix.destinationAddressPrefix}:${fix.destinationPortRange} ` +
        `before ${fix.before}; what-if: it would let these ${row.attempts} attempts through and change no other flow.`,
      firstSeen: row.firstSeen,
      lastSeen: row.lastSeen,
      subject: { ...key, protocol: row.protocol, nsg: row.topNsg, rule: row.topRule },
      evidence: {
        flows: row.attempts,
        distinctPeers: 1,
        hours: row.hours,
        denyingRule: row.topRule,
        fix,
        whatIf: { newlyAllowedAttempts: row.attempts, otherFlowsChanged: 0 },
        sampleFlows: sortSamples(row.samples),
      },
      status: 'open',
    };
  });
}
