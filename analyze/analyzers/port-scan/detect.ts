import type { Finding, Severity } from '../../../core/finding.js';
import { groupBy, maxBy, maxTime, minTime, sum } from '../../aggregate.js';
import type { AnalyzerContext } from '../../analyzer.js';
import { fingerprint } from '../../fingerprint.js';
import { raise } from '../../severity.js';
import { sortSamples } from '../../sql.js';
import type { ScanBucketRow } from './query.js';

export const PORT_SCAN_CATEGORY = 'port-scan';

/**
 * One finding per (scanner, target) pair, all its over-threshold buckets merged. Subject: `ip` is
 * the scanned host, `remoteIp` the scanner.
 * Severity: an internal source scanning is lateral movement (high); a public source is internet
 * background noise unless the NSG let it through (low when everything was denied, medium when
 * some allowed flow got an answer); a threat-intel source is one step up.
 */
export function detectPortScan(rows: ScanBucketRow[], context: AnalyzerContext): Finding[] {
  return [...groupBy(rows, (r) => `${r.ip}|${r.target}`).values()].map((buckets) =>
    toFinding(buckets, context),
  );
}

function toFinding(buckets: ScanBucketRow[], context: AnalyzerContext): Finding {
  const peak = maxBy(buckets, (b) => b.ports);
  const { ip, target } = peak;
  const flows = sum(buckets, (b) => b.flows);
  const allowed = sum(buckets, (b) => b.allowed);
  const answered = sum(buckets, (b) => b.answered);
  const isPublic = buckets.some((b) => b.publicSource > 0);
  const intel = context.threatIntel.match(ip);
  const severity = scanSeverity(isPublic, answered, intel !== undefined);
  return {
    id: fingerprint(PORT_SCAN_CATEGORY, { ip: target, remoteIp: ip }),
    category: PORT_SCAN_CATEGORY,
    severity,
    title: `Port scan of ${target} from ${isPublic ? 'internet address' : 'internal host'} ${ip}`,
    reason:
      `${ip} tried ${peak.ports} distinct ports on ${target} within one bucket starting ${peak.bucket}; ` +
      `${allowed} of ${flows} flows were allowed and ${answered} were answered` +
      (intel ? `; source is on a threat-intel list (${intel}).` : '.'),
    firstSeen: minTime(buckets.map((b) => b.firstSeen)),
    lastSeen: maxTime(buckets.map((b) => b.lastSeen)),
    subject: { ip: target, remoteIp: ip },
    evidence: {
      flows,
      bytes: sum(buckets, (b) => b.bytes),
      distinctPeers: 1,
      distinctPorts: peak.ports,
      buckets: buckets.length,
      allowed,
      answered,
      ports: peak.portList.slice(0, 50),
      ...(intel ? { threatIntel: intel } : {}),
      sampleFlows: sortSamples(peak.samples),
    },
    status: 'open',
  };
}

export function scanSeverity(isPublic: boolean, answered: number, intel: boolean): Severity {
  const base: Severity = !isPublic ? 'high' : answered > 0 ? 'medium' : 'low';
  return raise(base, intel ? 1 : 0);
}
