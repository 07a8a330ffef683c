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

export const EXPOSED_CATEGORY = 'exposed-management-port';

/**
 * One finding per (local address, port, protocol) reachable from the internet.
 * Severity: medium for any allowed inbound flow from the internet (CIS Azure 6.1/6.2 treat the
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
  const out: Finding[] = [];
  for (const row of rows) {
    const sourceIps = row.sourceIps.filter((ip) => !trusted.has(ip));
    if (!sourceIps.length) continue;
    out.push(
      toFinding(
        { ...row, sourceIps, sources: row.sources - (row.sourceIps.length - sourceIps.length) },
        config,
        context,
      ),
    );
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

function toFinding(row: ExposureRow, config: ExposedManagementPortConfig, context: AnalyzerContext): Finding {
  const intel = row.sourceIps.filter((ip) => context.threatIntel.has(ip));
  const severity = exposureSeverity(row, config, intel.length);
  const service = `${portName(row.port)} (${row.port}/${protocolName(row.protocol)})`;
  const key = { ip: row.ip, port: row.port, protocol: row.protocol };
  return {
    id: fingerprint(EXPOSED_CATEGORY, key),
    category: EXPOSED_CATEGORY,
    severity,
    title:
      intel.length === 0 && isRestricted(row, config)
        ? `Restricted exposure: ${service} on ${row.ip} reached only from ${row.sourceIps.join(', ')}`
        : `${service} on ${row.ip} is reachable from the internet`,
    reason:
      `${row.flows} allowed inbound flows from ${row.sources} public source(s) reached ${row.ip}:${row.port} ` +
      `(NSG ${row.topNsg || '?'}, rule ${row.topRule || '?'}); ${row.established} carried traffic both ways` +
      (intel.length ? `; ${intel.length} source(s) are on a threat-intel list.` : '.'),
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
      sampleFlows: sortSamples(row.samples),
    },
    status: 'open',
  };
}

/** Few fixed sources: the pattern of a rule limited to named addresses (see `restrictedSources`). */
export function isRestricted(row: ExposureRow, config: ExposedManagementPortConfig): boolean {
  return row.sources <= config.restrictedSources;
}

export function exposureSeverity(
  row: ExposureRow,
  config: ExposedManagementPortConfig,
  intelHits: number,
): Severity {
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
