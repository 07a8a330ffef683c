import type { Finding, Severity } from '../../core/finding.js';
import type { EstateIncident } from './incidents.js';

const RANK: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** Categories scored against the estate's ground truth (rule analyses are scored elsewhere). */
export const SCORED_CATEGORIES = [
  'exposed-management-port',
  'exfiltration',
  'port-scan',
  'port-sweep',
  'brute-force',
  'beaconing',
  'lateral-movement',
  'denied-required-flow',
] as const;

export interface CategoryScore {
  category: string;
  expected: number;
  found: number;
  /** Findings ≥ medium in the category that match an incident / all findings ≥ medium in it. */
  precision: number;
  recall: number;
  /** Findings ≥ medium matching no incident and no incident actor. */
  falseFindings: Finding[];
}

export interface EstateScore {
  byCategory: CategoryScore[];
  missedMust: EstateIncident[];
  foundHard: number;
  hard: number;
  /** Findings per incident in its own category (one sweep should be one finding). */
  findingsPerIncident: Record<string, number>;
  falseBySeverity: Record<Severity, number>;
  /** False findings ≥ medium per 100 host-days. */
  falsePer100HostDays: number;
}

export const matches = (f: Finding, e: EstateIncident): boolean =>
  f.category === e.category &&
  Object.entries(e.subject).every(([k, v]) => (f.subject as Record<string, unknown>)[k] === v);

/** A finding about an incident's actor in another category: part of the incident, not noise. */
const related = (f: Finding, truth: readonly EstateIncident[]): boolean => {
  const s = f.subject as Record<string, unknown>;
  return truth.some((e) => e.actors.some((a) => s.ip === a || s.remoteIp === a));
};

/** Per-category precision/recall and the false-finding rate of a run over the estate. */
export function scoreEstate(
  all: readonly Finding[],
  truth: readonly EstateIncident[],
  hostDays: number,
): EstateScore {
  const findings = all.filter((f) => (SCORED_CATEGORIES as readonly string[]).includes(f.category));
  const falseAll = findings.filter((f) => !truth.some((e) => matches(f, e)) && !related(f, truth));
  const falseBySeverity: Record<Severity, number> = { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
  for (const f of falseAll) falseBySeverity[f.severity]++;
  const serious = (f: Finding) => RANK[f.severity] >= RANK.medium;
  const isFound = (e: EstateIncident) =>
    findings.some((f) => matches(f, e) && RANK[f.severity] >= RANK[e.minSeverity ?? 'medium']);
  const byCategory = SCORED_CATEGORIES.map((category): CategoryScore => {
    const expected = truth.filter((e) => e.category === category);
    const found = expected.filter(isFound).length;
    const mine = findings.filter((f) => f.category === category && serious(f));
    const falseFindings = falseAll.filter((f) => f.category === category && serious(f));
    const good = mine.filter((f) => truth.some((e) => matches(f, e))).length;
    return {
      category,
      expected: expected.length,
      found,
      precision: mine.length ? good / mine.length : 1,
      recall: expected.length ? found / expected.length : 1,
      falseFindings,
    };
  });
  const hard = truth.filter((e) => e.tier === 'hard');
  const serousFalse = falseAll.filter(serious).length;
  return {
    byCategory,
    missedMust: truth.filter((e) => e.tier === 'must' && !isFound(e)),
    foundHard: hard.filter(isFound).length,
    hard: hard.length,
    findingsPerIncident: Object.fromEntries(
      truth.map((e) => [e.id, findings.filter((f) => matches(f, e)).length]),
    ),
    falseBySeverity,
    falsePer100HostDays: (serousFalse * 100) / hostDays,
  };
}

/** Human-readable summary for the bench and test logs. */
export function formatEstateScore(s: EstateScore): string {
  const lines = s.byCategory.map(
    (c) =>
      `  ${c.category.padEnd(24)} recall ${c.found}/${c.expected}  precision ${(c.precision * 100).toFixed(0)} %` +
      (c.falseFindings.length
        ? `  false: ${c.falseFindings.map((f) => `${f.severity} ${JSON.stringify(f.subject)}`).join('; ')}`
        : ''),
  );
  const fb = s.falseBySeverity;
  return [
    ...lines,
    `  must-find missed: ${s.missedMust.map((e) => e.id).join(', ') || 'none'}; hard found ${s.foundHard}/${s.hard}`,
    `  findings per incident: ${Object.entries(s.findingsPerIncident)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
    `  false findings by severity: critical ${fb.critical} high ${fb.high} medium ${fb.medium} low ${fb.low} info ${fb.info}; ` +
      `≥ medium per 100 host-days ${s.falsePer100HostDays.toFixed(1)}`,
  ].join('\n');
}
