import { atLeast } from '../../analyze/severity.js';
import type { Finding } from '../../core/finding.js';
import type { Expectation } from '../../simulator/index.js';

/** Categories the detection package owns (rule analyses are scored by the rules package). */
export const DETECTION_CATEGORIES = [
  'exposed-management-port',
  'exfiltration',
  'port-scan',
  'port-sweep',
  'brute-force',
  'beaconing',
];

export function matchesExpectation(f: Finding, e: Expectation): boolean {
  if (f.category !== e.category) return false;
  return Object.entries(e.subject).every(([k, v]) => (f.subject as Record<string, unknown>)[k] === v);
}

export interface Score {
  expected: number;
  found: number;
  recall: number;
  missed: Expectation[];
  /** Findings above `low` that match no expectation. */
  falsePositives: Finding[];
  /** Findings at low/info that match no expectation (reported for tuning, allowed by the bar). */
  benignLow: Finding[];
}

/** Recall over the planted incidents and false positives (unmatched findings above low). */
export function score(allFindings: readonly Finding[], truth: readonly Expectation[]): Score {
  const expected = truth.filter((e) => DETECTION_CATEGORIES.includes(e.category));
  // Rule findings are scored by the rules package (test/scenario/rules-scenario.ts).
  const findings = allFindings.filter((f) => DETECTION_CATEGORIES.includes(f.category));
  const missed = expected.filter((e) => !findings.some((f) => matchesExpectation(f, e)));
  const unmatched = findings.filter((f) => !expected.some((e) => matchesExpectation(f, e)));
  return {
    expected: expected.length,
    found: expected.length - missed.length,
    recall: expected.length ? (expected.length - missed.length) / expected.length : 1,
    missed,
    falsePositives: unmatched.filter((f) => atLeast(f.severity, 'medium')),
    benignLow: unmatched.filter((f) => !atLeast(f.severity, 'medium')),
  };
}
