import type { Finding, Severity } from '../../../core/finding.js';
import { groupBy, maxBy, maxTime, minTime, sum } from '../../aggregate.js';
import type { AnalyzerContext } from '../../analyzer.js';
import { fingerprint } from '../../fingerprint.js';
import { portName } from '../../ports.js';
import { raise } from '../../severity.js';
import { sortSamples } from '../../sql.js';
import type { BruteForceConfig } from './config.js';
import type { BruteBucketRow } from './query.js';

export const BRUTE_FORCE_CATEGORY = 'brute-force';

/**
 * One finding per (source, target, port) with at least one bucket of many short allowed
 * connections. Severity high (a login service is being guessed at and the NSG lets it through);
 * critical when a long or large session from the same source suggests a guess succeeded, or when
 * the source is on a threat-intel list.
 */
export function detectBruteForce(
  rows: BruteBucketRow[],
  config: BruteForceConfig,
  context: AnalyzerContext,
): Finding[] {
  const short = rows.filter((r) => r.bytes / Math.max(1, r.attempts) <= config.maxAvgBytesPerAttempt);
  const groups = groupBy(short, (r) => `${r.ip}|${r.target}|${r.port}`);
  const out: Finding[] = [];
  for (const buckets of groups.values()) {
    const all = rows.filter(
      (r) => r.ip === buckets[0]!.ip && r.target === buckets[0]!.target && r.port === buckets[0]!.port,
    );
    out.push(toFinding(buckets, all, config, context));
  }
  return out;
}

function toFinding(
  buckets: BruteBucketRow[],
  all: BruteBucketRow[],
  config: BruteForceConfig,
  context: AnalyzerContext,
): Finding {
  const peak = maxBy(buckets, (b) => b.attempts);
  const { ip, target, port } = peak;
  const success = all.some((b) => b.continued > 0 || b.maxTupleBytes >= config.successBytes);
  const intel = context.threatIntel.match(ip);
  const severity: Severity = raise('high', success || intel ? 1 : 0);
  const attempts = sum(buckets, (b) => b.attempts);
  return {
    id: fingerprint(BRUTE_FORCE_CATEGORY, { ip: target, remoteIp: ip, port }),
    category: BRUTE_FORCE_CATEGORY,
    severity,
    title: `${portName(port)} brute force on ${target} from ${ip}`,
    reason:
      `${ip} opened ${peak.attempts} short ${portName(port)} connections to ${target}:${port} within one bucket ` +
      `starting ${peak.bucket} (${attempts} in total)` +
      (success ? '; a long or large session followed, so a login may have succeeded' : '') +
      (intel ? `; source is on a threat-intel list (${intel}).` : '.'),
    firstSeen: minTime(buckets.map((b) => b.firstSeen)),
    lastSeen: maxTime(buckets.map((b) => b.lastSeen)),
    subject: { ip: target, remoteIp: ip, port, protocol: 6 },
    evidence: {
      flows: sum(buckets, (b) => b.flows),
      bytes: sum(buckets, (b) => b.bytes),
      distinctPeers: 1,
      attempts,
      peakAttempts: peak.attempts,
      deniedAttempts: sum(buckets, (b) => b.denied),
      possibleSuccess: success,
      publicSource: buckets.some((b) => b.publicSource > 0),
      ...(intel ? { threatIntel: intel } : {}),
      sampleFlows: sortSamples(peak.samples),
    },
    status: 'open',
  };
}
