import type { CoverageHours } from './coverage.js';
import type { RuleReport } from './types.js';

/** An NSG whose flow logs were too short to call some of its rules unused, and how much is missing. */
export interface CoverageGap extends CoverageHours {
  nsg: string;
  /** The allow rules without hits that got no verdict. */
  rules: string[];
}

/**
 * The rules without verdict grouped per NSG; the hours are those of its worst rule (a rule added
 * inside the window counts from when it appeared). Empty when every rule could be judged.
 */
export function coverageGaps(report: Pick<RuleReport, 'insufficientData'>): CoverageGap[] {
  const byNsg = new Map<string, CoverageGap>();
  for (const i of report.insufficientData) {
    const gap = byNsg.get(i.nsg);
    const hours = {
      coveredHours: i.coveredHours,
      requiredHours: i.requiredHours,
      missingHours: i.missingHours,
    };
    if (!gap) byNsg.set(i.nsg, { nsg: i.nsg, ...hours, rules: [i.rule] });
    else {
      gap.rules.push(i.rule);
      if (i.missingHours > gap.missingHours) Object.assign(gap, hours);
    }
  }
  return [...byNsg.values()].sort((a, b) => a.nsg.localeCompare(b.nsg));
}

/**
 * What `flowlens analyze` (table footer) and `flowlens report rules` (stderr) say about rules
 * without verdict, so a missing "unused" finding is never silent. Empty when there are none.
 */
export function coverageGapText(gaps: readonly CoverageGap[], window: { from: string; to: string }): string {
  if (!gaps.length) return '';
  const lines = gaps.map(
    (g) =>
      `  ${g.nsg}: flow logs cover ${g.coveredHours} h, ${g.requiredHours} h needed: ${g.missingHours} h more (${g.rules.join(', ')})`,
  );
  return `rules without verdict (${window.from} – ${window.to}): too little flow-log coverage to call them unused\n${lines.join('\n')}\n`;
}
