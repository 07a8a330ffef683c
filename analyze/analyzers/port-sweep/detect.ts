import type { Finding } from '../../../core/finding.js';
import { groupBy, maxBy, maxTime, minTime, sum } from '../../aggregate.js';
import type { AnalyzerContext } from '../../analyzer.js';
import { fingerprint } from '../../fingerprint.js';
import { portName, protocolName } from '../../ports.js';
import { sortSamples } from '../../sql.js';
import { scanSeverity } from '../port-scan/detect.js';
import type { SweepBucketRow } from './query.js';

export const PORT_SWEEP_CATEGORY = 'port-sweep';

/**
 * One finding per sweeping source (one incident, one finding): every port it swept in the window
 * is in the evidence, with the targets of the widest bucket. `remoteIp` is the source. Severity
 * as for port scans (internal source = high).
 */
export function detectPortSweep(rows: SweepBucketRow[], context: AnalyzerContext): Finding[] {
  const groups = groupBy(rows, (r) => r.ip);
  return [...groups.values()].map((buckets) => toFinding(buckets, context));
}

function toFinding(buckets: SweepBucketRow[], context: AnalyzerContext): Finding {
  const peak = maxBy(buckets, (b) => b.hosts);
  const { ip, port, protocol } = peak;
  const ports = [...new Set(buckets.map((b) => b.port))].sort((a, b) => a - b);
  const targets = [...new Set(buckets.flatMap((b) => b.targetIps))];
  const what =
    ports.length > 1 ? `${ports.length} ports` : `${portName(port)} (${port}/${protocolName(protocol)})`;
  const flows = sum(buckets, (b) => b.flows);
  const allowed = sum(buckets, (b) => b.allowed);
  const answered = sum(buckets, (b) => b.answered);
  const isPublic = buckets.some((b) => b.publicSource > 0);
  const intel = context.threatIntel.match(ip);
  return {
    id: fingerprint(PORT_SWEEP_CATEGORY, { remoteIp: ip }),
    category: PORT_SWEEP_CATEGORY,
    severity: scanSeverity(isPublic, answered, intel !== undefined),
    title: `Port sweep of ${what} from ${ip}`,
    reason:
      `${ip} swept ${targets.length} distinct host(s) on ${ports.length} port(s); the widest: ${peak.hosts} hosts on ` +
      `${port}/${protocolName(protocol)} within one bucket ` +
      `starting ${peak.bucket}; ${allowed} of ${flows} flows were allowed and ${answered} were answered` +
      (intel ? `; source is on a threat-intel list (${intel}).` : '.'),
    firstSeen: minTime(buckets.map((b) => b.firstSeen)),
    lastSeen: maxTime(buckets.map((b) => b.lastSeen)),
    subject: ports.length > 1 ? { remoteIp: ip } : { remoteIp: ip, port, protocol },
    evidence: {
      flows,
      bytes: sum(buckets, (b) => b.bytes),
      distinctPeers: peak.hosts,
      buckets: buckets.length,
      allowed,
      answered,
      ports: ports.slice(0, 200),
      targets: targets.slice(0, 50),
      distinctTargets: targets.length,
      ...(intel ? { threatIntel: intel } : {}),
      sampleFlows: sortSamples(peak.samples),
    },
    status: 'open',
  };
}
