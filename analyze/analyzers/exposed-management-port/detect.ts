import type { Finding, Severity } from '../../../core/finding.js';
import { formatIp, ipBytes, isV4Mapped, maskInPlace } from '../../../core/net/ip.js';
import type { AnalyzerContext } from '../../analyzer.js';
import { fingerprint } from '../../fingerprint.js';
import { ipSet } from '../../ip-set.js';
import { portName, protocolName } from '../../ports.js';
import { raise } from '../../severity.js';
import { sortSamples } from '../../sql.js';
import type { ExposedManagementPortConfig } from './config.js';
import type { ExposureRow } from './query.js';
import { inventoryIndex, type RuleScope, ruleScope } from './scope.js';

export const EXPOSED_CATEGORY = 'exposed-management-port';

/**
 * One finding per (local address, port, protocol) reachable from the internet.
 * Severity comes first from the allowing NSG rule's source in the imported inventory
 * ({@link ruleScope}): a rule limited to a few fixed addresses, with only those seen, is a low
 * "restricted exposure" naming them; a rule open to `*`/`Internet` is high, critical with many
 * sources or a threat-intel source. Without a known rule (no inventory, tags, ASGs) the flows alone
 * decide: medium for any allowed inbound flow from the internet (CIS Azure 6.1/6.2 treat the
 * reachability itself as the problem); one step up each for established sessions, many distinct
 * sources, and sources on a threat-intel list. Exception: when every source sits in one /24 (and none
 * is on a threat-intel list) the rule most likely allows a corporate range, so low (info when no
 * session was established). `trustedSources` are dropped before any of this.
 */
export function detectExposure(
  rows: ExposureRow[],
  config: ExposedManagementPortConfig,
  context: AnalyzerContext,
): Finding[] {
  const trusted = ipSet(config.trustedSources);
  const index = inventoryIndex(context);
  const out: Finding[] = [];
  for (const raw of rows) {
    const sourceIps = raw.sourceIps.filter((ip) => !trusted.has(ip));
    if (!sourceIps.length) continue;
    const row = { ...raw, sourceIps, sources: raw.sources - (raw.sourceIps.length - sourceIps.length) };
    const complete = row.sourceIps.length >= row.sources;
    const scope = ruleScope(row.ruleKeys, complete ? sourceIps : [], index, config.ruleScope);
    // Sources beyond the 1000 listed cannot be checked against the rule: not provably restricted.
    const judged: RuleScope =
      scope.kind === 'restricted' && !complete ? { ...scope, kind: 'unknown' } : scope;
    out.push(toFinding(row, config, context, judged));
  }
  return out;
}

/**
 * Distinct networks (/24 for IPv4, /48 for IPv6) the sources come from. Sources from one network
 * look like a rule restricted to a corporate or partner range rather than "any".
 */
export function sourceNetworks(ips: readonly string[]): number {
  // Mask the parsed address: text splitting would miss that `2001:db8::1` and `2001:db8:0:5::1`
  // share a /48 (`::` hides zero groups). An unparseable address counts as its own network.
  return new Set(ips.map(networkOf)).size;
}

function networkOf(ip: string): string {
  const bytes = ipBytes(ip);
  if (!bytes) return ip;
  maskInPlace(bytes, isV4Mapped(bytes) ? 96 + 24 : 48);
  return formatIp(bytes);
}

function toFinding(
  row: ExposureRow,
  config: ExposedManagementPortConfig,
  context: AnalyzerContext,
  scope: RuleScope,
): Finding {
  const intel = row.sourceIps.filter((ip) => context.threatIntel.has(ip));
  const severity = exposureSeverity(row, config, intel.length, scope.kind);
  const key = { ip: row.ip, port: row.port, protocol: row.protocol };
  return {
    id: fingerprint(EXPOSED_CATEGORY, key),
    category: EXPOSED_CATEGORY,
    severity,
    title: exposureTitle(row, config, intel.length, scope),
    reason:
      `${row.flows} allowed inbound flows from ${row.sources} public source(s) reached ${row.ip}:${row.port} ` +
      `(NSG ${row.topNsg || '?'}, rule ${row.topRule || '?'}); ${row.established} carried traffic both ways` +
      (intel.length ? `; ${intel.length} source(s) are on a threat-intel list` : '') +
      scopeReason(scope),
    firstSeen: row.firstSeen,
    lastSeen: row.lastSeen,
    subject: { ...key, nsg: row.topNsg, rule: row.topRule },
    evidence: {
      flows: row.flows,
      bytes: row.bytes,
      packets: row.packets,
      distinctPeers: row.sources,
      established: row.established,
      sources: row.sourceIps.slice(0, 20),
      threatIntelSources: intel.slice(0, 20),
      ruleScope: scope.kind,
      allowingRules: scope.rules,
      allowedSources: scope.allowed.slice(0, 20),
      sampleFlows: sortSamples(row.samples),
    },
    status: 'open',
  };
}

function exposureTitle(
  row: ExposureRow,
  config: ExposedManagementPortConfig,
  intelHits: number,
  scope: RuleScope,
): string {
  const service = `${portName(row.port)} (${row.port}/${protocolName(row.protocol)})`;
  if (scope.kind === 'restricted')
    return `Restricted exposure: ${service} on ${row.ip} allowed only from ${scope.allowed.join(', ')}`;
  if (scope.kind === 'unknown' && intelHits === 0 && isRestricted(row, config))
    return `Restricted exposure: ${service} on ${row.ip} reached only from ${row.sourceIps.join(', ')}`;
  return `${service} on ${row.ip} is reachable from the internet`;
}

function scopeReason(scope: RuleScope): string {
  const rules = scope.rules.join(', ');
  const allowed = scope.allowed.join(', ');
  if (scope.kind === 'open') return `; rule ${rules} allows any internet source (${allowed}).`;
  if (scope.kind === 'restricted')
    return `; rule ${rules} allows only ${allowed}, and every source seen is one of them.`;
  return scope.note ? `; ${scope.note}.` : '.';
}

/**
 * Fallback when the allowing rule is unknown: few fixed sources, the pattern of a rule limited to
 * named addresses (see `restrictedSources`, off by default).
 */
export function isRestricted(row: ExposureRow, config: ExposedManagementPortConfig): boolean {
  return row.sources <= config.restrictedSources;
}

export function exposureSeverity(
  row: ExposureRow,
  config: ExposedManagementPortConfig,
  intelHits: number,
  scope: RuleScope['kind'] = 'unknown',
): Severity {
  // The rule itself says how open the port is: a known scope outranks guesses from the sources seen.
  if (scope === 'restricted') return raise('low', intelHits > 0 ? 1 : 0);
  if (scope === 'open') return raise('high', row.sources >= config.manySources || intelHits > 0 ? 1 : 0);
  const complete = row.sourceIps.length >= row.sources;
  if (intelHits === 0 && complete && (sourceNetworks(row.sourceIps) <= 1 || isRestricted(row, config))) {
    // Every source in one /24: most likely a rule restricted to a known range; worth a look, not an alarm.
    return row.established > 0 ? 'low' : 'info';
  }
  let steps = 0;
  if (row.established > 0) steps++;
  if (row.sources >= config.manySources) steps++;
  if (intelHits > 0) steps++;
  return raise('medium', steps);
}
