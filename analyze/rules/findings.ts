import { createHash } from 'node:crypto';
import type { Finding, Severity } from '../../core/finding.js';
import type { Recommendation, RuleCategory, RuleReport } from './analysis/types.js';

const CATEGORY_SEVERITY: Record<RuleCategory, Severity> = {
  'management-port-open-to-internet': 'high',
  'open-to-internet-rule': 'medium',
  'overly-permissive-rule': 'medium',
  'deny-hit-by-internal-source': 'medium',
  'unused-allow-rule': 'low',
  'shadowed-rule': 'low',
  'redundant-rule': 'info',
};

const TITLES: Record<RuleCategory, string> = {
  'unused-allow-rule': 'Unused allow rule',
  'overly-permissive-rule': 'Allow rule wider than its traffic',
  'open-to-internet-rule': 'Rule open to the internet on many ports',
  'management-port-open-to-internet': 'Management port allowed from the internet',
  'shadowed-rule': 'Rule shadowed by a higher-priority rule',
  'redundant-rule': 'Redundant rule',
  'deny-hit-by-internal-source': 'Deny rule hit by internal sources',
};

/**
 * Rule recommendations as Findings (subject `nsg` + `rule`), one per category a rule was flagged
 * for, so rule problems show up with the other detections. The id is a fingerprint of NSG id, rule
 * and category: stable across runs.
 */
export function ruleFindings(report: RuleReport): Finding[] {
  return report.recommendations.flatMap((r) => r.categories.map((c) => toFinding(r, c, report.window)));
}

function toFinding(r: Recommendation, category: RuleCategory, window: RuleReport['window']): Finding {
  const severity = category === r.category ? r.severity : CATEGORY_SEVERITY[category];
  return {
    id: createHash('sha256')
      .update(`${category}\n${r.nsgId.toLowerCase() || r.nsg}\n${r.rule}`)
      .digest('hex')
      .slice(0, 32),
    category,
    severity,
    title: `${TITLES[category]}: ${r.nsg}/${r.rule}`,
    reason: r.reason,
    firstSeen: r.evidence.firstHit ?? window.from,
    lastSeen: r.evidence.lastHit ?? window.to,
    subject: { nsg: r.nsg, rule: r.rule },
    evidence: {
      flows: r.evidence.hits,
      distinctPeers: r.evidence.distinctSources,
      sampleFlows: r.evidence.sampleFlows,
      action: r.action,
      observedPorts: r.evidence.observedPorts,
      unusedAttributes: r.unusedAttributes,
      proposed: r.proposed,
      newlyDenied: r.whatIf?.newlyDeniedCount ?? null,
      backtest: r.whatIf?.backtest ?? null,
      ...(r.narrowing ? { narrowing: r.narrowing } : {}),
      az: r.commands.az,
    },
    status: 'open',
  };
}
