import type { Suppression } from '../core/config/sections/analyze.js';
import type { Finding } from '../core/finding.js';
import { ipSet } from './ip-set.js';

/** The first active suppression that matches a finding (every given criterion must match). */
export function matchSuppression(
  finding: Finding,
  suppressions: readonly Suppression[],
  now: Date,
): Suppression | undefined {
  return suppressions.find((s) => isActive(s, now) && matches(finding, s));
}

function isActive(s: Suppression, now: Date): boolean {
  return s.expires === undefined || Date.parse(s.expires) > now.getTime();
}

function matches(f: Finding, s: Suppression): boolean {
  const subj = f.subject;
  if (s.categories?.length && !s.categories.includes(f.category)) return false;
  if (s.ports?.length && (subj.port === undefined || !s.ports.includes(subj.port))) return false;
  if (s.nsgs?.length && !s.nsgs.some((n) => eqi(n, subj.nsg))) return false;
  if (s.rules?.length && !s.rules.some((r) => eqi(r, subj.rule) || eqi(`UserRule_${r}`, subj.rule)))
    return false;
  if (s.ips?.length) {
    const set = ipSet(s.ips);
    if (!((subj.ip && set.has(subj.ip)) || (subj.remoteIp && set.has(subj.remoteIp)))) return false;
  }
  return true;
}

function eqi(a: string, b: string | undefined): boolean {
  return b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** Marks suppressed findings (status `suppressed`, reason kept in evidence) and leaves the others. */
export function applySuppressions(
  findings: readonly Finding[],
  suppressions: readonly Suppression[],
  now: Date,
): Finding[] {
  return findings.map((f) => {
    const s = matchSuppression(f, suppressions, now);
    if (!s) return f;
    return {
      ...f,
      status: 'suppressed',
      evidence: { ...f.evidence, suppression: { reason: s.reason, by: s.by } },
    };
  });
}
