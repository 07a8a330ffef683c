import type { Finding, Severity } from '../../../core/finding.js';
import type { AnalysisWindow } from '../../analyzer.js';
import { fingerprint } from '../../fingerprint.js';
import { portName, protocolName } from '../../ports.js';
import { sortSamples } from '../../sql.js';
import type { LateralMovementConfig } from './config.js';
import type { LateralRow } from './query.js';

export const LATERAL_MOVEMENT_CATEGORY = 'lateral-movement';

/**
 * One finding per new (source, destination, port). Nothing when the data does not reach
 * `minHistoryHours` before the window (without a baseline every pair is "new"). Severity: low for a
 * new pair; medium when it carried a session (`sessionBytes`), unless the source already used the
 * port to 2+ hosts in the look-back (an admin or jump host: low); high from a web tier to a domain
 * controller or data tier — the path an attacker takes from the exposed edge to the crown jewels.
 */
export function detectLateralMovement(
  rows: LateralRow[],
  config: LateralMovementConfig,
  window: AnalysisWindow,
): Finding[] {
  return rows
    .filter((r) => window.from.getTime() - Date.parse(r.dataStart) >= config.minHistoryHours * 3_600_000)
    .map((r) => toFinding(r, config));
}

export function lateralSeverity(row: LateralRow, config: LateralMovementConfig): Severity {
  if (row.srcWeb && (row.dstDc || row.dstData)) return 'high';
  // A source that already used this protocol to several hosts is an admin/jump host: a new target is routine.
  if (row.adminPeers >= 2) return 'low';
  return row.bytes >= config.sessionBytes ? 'medium' : 'low';
}

function toFinding(row: LateralRow, config: LateralMovementConfig): Finding {
  const service = `${portName(row.port)} (${row.port}/${protocolName(row.protocol)})`;
  const from = row.srcWeb ? 'web tier host ' : '';
  const to = row.dstDc ? 'domain controller ' : row.dstData ? 'data tier host ' : '';
  const key = { ip: row.ip, remoteIp: row.remote, port: row.port };
  return {
    id: fingerprint(LATERAL_MOVEMENT_CATEGORY, key),
    category: LATERAL_MOVEMENT_CATEGORY,
    severity: lateralSeverity(row, config),
    title: `New ${service} from ${from}${row.ip} to ${to}${row.remote}`,
    reason:
      `${row.ip} opened ${service} to ${row.remote}, which it had not done in the previous ` +
      `${config.lookbackHours} h; ${row.flows} flow record(s), ${row.bytes} bytes, allowed by ${row.topRule || '?'} ` +
      `(NSG ${row.topNsg || '?'}).`,
    firstSeen: row.firstSeen,
    lastSeen: row.lastSeen,
    subject: { ...key, protocol: row.protocol },
    evidence: {
      flows: row.flows,
      bytes: row.bytes,
      distinctPeers: 1,
      rule: row.topRule,
      nsg: row.topNsg,
      sourceTier: row.srcWeb ? 'web' : 'other',
      sourcePeersOnPortBefore: row.adminPeers,
      destinationTier: row.dstDc ? 'domain-controller' : row.dstData ? 'data' : 'other',
      sampleFlows: sortSamples(row.samples),
    },
    status: 'open',
  };
}
