import type { RuleReport } from '../analysis/types.js';
import { addresses, backtestText } from './text.js';

const HEADER = [
  'nsg',
  'resource_group',
  'rule',
  'priority',
  'direction',
  'action',
  'category',
  'categories',
  'severity',
  'reason',
  'current_source',
  'current_destination',
  'current_ports',
  'proposed_source',
  'proposed_destination',
  'proposed_ports',
  'hits',
  'distinct_sources',
  'observed_ports',
  'first_hit',
  'last_hit',
  'newly_denied',
  'backtest',
  'az',
];

/**
 * One row per recommendation, RFC 4180 quoting. Cells that a spreadsheet would run as a formula
 * (`=`, `+`, `-`, `@` first) get a leading apostrophe.
 * @see https://www.rfc-editor.org/rfc/rfc4180
 * @see https://owasp.org/www-community/attacks/CSV_Injection
 */
export function renderCsv(report: RuleReport): string {
  const rows = report.recommendations.map((r) => [
    r.nsg,
    r.resourceGroup,
    r.rule,
    r.current.priority,
    r.current.direction,
    r.action,
    r.category,
    r.categories.join(' '),
    r.severity,
    r.reason,
    addresses(r.current.sourceAddresses, r.current.sourceAsgs),
    addresses(r.current.destinationAddresses, r.current.destinationAsgs),
    r.current.destinationPorts.join(' '),
    r.proposed ? addresses(r.proposed.sourceAddresses, r.proposed.sourceAsgs) : '',
    r.proposed ? addresses(r.proposed.destinationAddresses, r.proposed.destinationAsgs) : '',
    r.proposed?.destinationPorts.join(' ') ?? '',
    r.evidence.hits,
    r.evidence.distinctSources,
    r.evidence.observedPorts.join(' '),
    r.evidence.firstHit ?? '',
    r.evidence.lastHit ?? '',
    r.whatIf?.newlyDeniedCount ?? '',
    backtestText(r.whatIf?.backtest),
    r.commands.az,
  ]);
  return [HEADER, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

function cell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
