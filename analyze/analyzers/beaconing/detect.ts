import { platformCutEvidence } from '../../../core/enrich/platform.js';
import type { Finding, Severity } from '../../../core/finding.js';
import type { AnalyzerContext } from '../../analyzer.js';
import { fingerprint } from '../../fingerprint.js';
import { protocolName } from '../../ports.js';
import { sortSamples } from '../../sql.js';
import type { BeaconingConfig } from './config.js';
import type { BeaconRow } from './query.js';
import { regularity } from './regularity.js';

export const BEACONING_CATEGORY = 'beaconing';

/**
 * A finding per (host, destination, port, protocol) whose connections are regular enough.
 * Regularity alone is common (update checks, telemetry, CI long-polls, cron jobs), so severity comes
 * from rarity: info when many local hosts talk to the destination (`infraPeers`, agents and
 * heartbeats) or on quiet ports (DNS, NTP); low when the fleet already talked to it on earlier days
 * (steady infrastructure); medium only for a destination that is rare (one local host) and new
 * (no earlier day) with a near-perfect rhythm (≥ 90 %); high on a threat-intel hit.
 */
export function detectBeaconing(
  rows: BeaconRow[],
  config: BeaconingConfig,
  context: AnalyzerContext,
): Finding[] {
  const out: Finding[] = [];
  for (const row of rows) {
    const r = regularity(row.starts, config);
    if (r.percent < config.beaconPercent) continue;
    out.push(toFinding(row, r, config, context));
  }
  return out;
}

function toFinding(
  row: BeaconRow,
  r: ReturnType<typeof regularity>,
  config: BeaconingConfig,
  context: AnalyzerContext,
): Finding {
  const intel = context.threatIntel.match(row.remote);
  const severity = beaconSeverity(row, r.percent, config, intel !== undefined);
  const key = { ip: row.ip, remoteIp: row.remote, port: row.port, protocol: row.protocol };
  const proto = protocolName(row.protocol);
  return {
    id: fingerprint(BEACONING_CATEGORY, key),
    category: BEACONING_CATEGORY,
    severity,
    title: `${row.ip} beacons to ${row.remote}:${row.port}/${proto} every ~${Math.round(r.typicalGapSeconds)} s`,
    reason:
      `${row.connections} connections; ${r.percent.toFixed(0)} % of the gaps are within tolerance of ` +
      `${r.typicalGapSeconds.toFixed(1)} s; ${row.peers} local host(s) talk to this destination, ` +
      `on ${row.priorDays} earlier day(s)` +
      (intel ? `; destination is on a threat-intel list (${intel}).` : '.'),
    firstSeen: new Date(row.starts[0]!).toISOString(),
    lastSeen: new Date(row.starts.at(-1)!).toISOString(),
    subject: key,
    evidence: {
      flows: row.connections,
      bytes: row.bytesOut + row.bytesIn,
      bytesOut: row.bytesOut,
      bytesIn: row.bytesIn,
      distinctPeers: 1,
      localPeersOfDestination: row.peers,
      priorDays: row.priorDays,
      intervalSeconds: r.typicalGapSeconds,
      regularityPercent: Math.round(r.percent * 10) / 10,
      ...(intel ? { threatIntel: intel } : {}),
      ...platformCutEvidence(config.azurePlatform),
      sampleFlows: sortSamples(row.samples),
    },
    status: 'open',
  };
}

export function beaconSeverity(
  row: BeaconRow,
  percent: number,
  config: BeaconingConfig,
  intel: boolean,
): Severity {
  if (intel) return 'high';
  if (config.quietPorts.includes(row.port) || row.peers >= config.infraPeers) return 'info';
  if (row.priorDays > 0) return 'low';
  if (row.peers <= 1 && percent >= 90) return 'medium';
  return 'low';
}
