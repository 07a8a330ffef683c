import type { PeerInfo, Recommendation, RuleReport } from '../analysis/types.js';
import { backtestText, countBy, endpointText, newlyDeniedText, PROTOCOLS, ruleFields } from './text.js';

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The report as Markdown (for tickets and pull requests). */
export function renderMarkdown(report: RuleReport): string {
  const out = [
    '# NSG rule review',
    '',
    `Window: ${report.window.from} → ${report.window.to} · generated ${report.generatedAt}`,
    '',
    `**${report.recommendations.length} recommendations** — ${
      countBy(report.recommendations, (r) => r.action)
        .map(([a, n]) => `${n} ${a}`)
        .join(', ') || 'none'
    }`,
    '',
    '| severity | NSG | rule | action | category |',
    '|---|---|---|---|---|',
    ...report.recommendations.map(
      (r) => `| ${r.severity} | ${esc(r.nsg)} | ${esc(r.rule)} | ${r.action} | ${r.categories.join(', ')} |`,
    ),
    '',
    '## Flow-log coverage',
    '',
    '| NSG | coverage | hours with flow logs | verdicts on unused rules |',
    '|---|---|---|---|',
    ...report.coverage.map(
      (c) =>
        `| ${esc(c.nsg)} | ${(c.coverage * 100).toFixed(0)}% | ${c.coveredHours} of ${c.requiredHours} needed | ${c.covered ? 'yes' : `insufficient data (${c.missingHours} h more)`} |`,
    ),
    '',
    ...report.recommendations.flatMap((r) => section(r, report.peers)),
  ];
  if (report.insufficientData.length) {
    out.push(
      '## Insufficient data',
      '',
      ...report.insufficientData.map((i) => `- ${i.nsg} / ${i.rule}: ${i.reason}`),
      '',
    );
  }
  if (report.notes.length) out.push('## Notes', '', ...report.notes.map((n) => `- ${n}`), '');
  return out.join('\n');
}

function section(r: Recommendation, peers: Record<string, PeerInfo> | undefined): string[] {
  const cur = ruleFields(r.current);
  const prop = r.proposed ? ruleFields(r.proposed) : null;
  const ev = r.evidence;
  return [
    `## ${r.nsg} / ${r.rule} — ${r.action} (${r.severity})`,
    '',
    r.reason,
    '',
    prop ? '| field | current | proposed |' : '| field | current |',
    prop ? '|---|---|---|' : '|---|---|',
    ...cur.map(([k, v], i) =>
      prop
        ? `| ${k} | ${esc(v)} | ${esc(prop[i]![1])}${prop[i]![1] !== v ? ' ✱' : ''} |`
        : `| ${k} | ${esc(v)} |`,
    ),
    '',
    ...(r.unusedAttributes.length
      ? ['Never used in the window:', '', ...r.unusedAttributes.map((u) => `- ${u}`), '']
      : []),
    `Evidence: ${ev.hits} flows, ${ev.distinctSources} sources, ports ${ev.observedPorts.join(', ') || '–'}, first ${ev.firstHit ?? '–'}, last ${ev.lastHit ?? '–'}${ev.formats.length ? ` (${ev.formats.join(', ')})` : ''}`,
    '',
    ...(ev.sampleFlows.length
      ? [
          '| time | source | destination | protocol | action |',
          '|---|---|---|---|---|',
          ...ev.sampleFlows.map(
            (f) =>
              `| ${f.time} | ${esc(endpointText(f.srcIp, f.srcPort, peers))} | ${esc(endpointText(f.dstIp, f.dstPort, peers))} | ${PROTOCOLS[f.protocol] ?? f.protocol} | ${f.action} |`,
          ),
          '',
        ]
      : []),
    `What-if: newly denied ${newlyDeniedText(r)}; backtest ${backtestText(r.whatIf?.backtest)}`,
    '',
    '```sh',
    r.commands.az,
    '```',
    '',
    '<details><summary>Bicep / Terraform</summary>',
    '',
    '```bicep',
    r.commands.bicep,
    '```',
    '',
    '```hcl',
    r.commands.terraform,
    '```',
    '',
    '</details>',
    '',
  ];
}
