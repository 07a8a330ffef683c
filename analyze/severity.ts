import { SEVERITIES, type Severity } from '../core/finding.js';

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** `s` moved up (or down, for negative steps) by `steps`, clamped to info…critical. */
export function raise(s: Severity, steps: number): Severity {
  const i = Math.min(SEVERITIES.length - 1, Math.max(0, severityRank(s) + steps));
  return SEVERITIES[i]!;
}

export function atLeast(s: Severity, min: Severity): boolean {
  return severityRank(s) >= severityRank(min);
}
