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
 * One finding per (source, port, protocol); `remoteIp` is the sweeping source (targets are in the
 * evidence). Severity as for port scans (internal source = high).
 */
export function detectPortSweep(rows: SweepBucketRow[], context: AnalyzerContext): Finding[] {
  const groups = groupBy(rows, (r) => `${r.ip}|${r.port}|${r.protocol}`);
  return [...groups.values()].map((buckets) => toFinding(buckets, context));
}

function toFinding(buckets: SweepBucketRow[], context: AnalyzerContext): Finding {
  const peak = maxBy(buckets, (b) => b.hosts);
  const { ip, port, protocol } = peak;
  const flows = sum(buckets, (b) => b.flows);
  const allowed = sum(buckets, (b) => b.allowed);
  const answered = sum(buckets, (b) => b.answered);
  const isPublic = buckets.some((b) => b.publicSource > 0);
  const intel = context.threatIntel.match(ip);
  return {
    id: fingerprint(PORT_SWEEP_CATEGORY, { remoteIp: ip, port, protocol }),
    category: PORT_SWEEP_CATEGORY,
    severity: scanSeverity(isPublic, answered, intel !== undefined),
    title: `Port sweep of ${portName(port)} (${port}/${protocolName(protocol)}) from ${ip}`,
    reason:
      `${ip} contacted ${peak.hosts} distinct hosts on ${port}/${protocolName(protocol)} within one bucket ` +
      `starting ${peak.bucket}; ${allowed} of ${flows} flows were allowed and ${answered} were answered` +
      (intel ? `; source is on a threat-intel list (${intel}).` : '.'),
    firstSeen: minTime(buckets.map((b) => b.firstSeen)),
    lastSeen: maxTime(buckets.map((b) => b.lastSeen)),
    subject: { remoteIp: ip, port, protocol },
    evidence: {
      flows,
      bytes: sum(buckets, (b) => b.bytes),
      distinctPeers: peak.hosts,
      buckets: buckets.length,
      allowed,
      answered,
      targets: peak.targetIps.slice(0, 50),
      ...(intel ? { threatIntel: intel } : {}),
      sampleFlows: sortSamples(peak.samples),
    },
    status: 'open',
  };
}
