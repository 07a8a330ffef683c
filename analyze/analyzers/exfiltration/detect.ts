import type { Finding, Severity } from '../../../core/finding.js';
import { groupBy, maxBy, maxTime, minTime, sum } from '../../aggregate.js';
import type { AnalyzerContext } from '../../analyzer.js';
import { fingerprint } from '../../fingerprint.js';
import { sortSamples } from '../../sql.js';
import type { ExfiltrationConfig } from './config.js';
import type { EgressHourRow } from './query.js';

export const EXFILTRATION_CATEGORY = 'exfiltration';

export interface EgressScore {
  weighted: number;
  threshold: number;
  hasBaseline: boolean;
}

/** Weighted egress of one hour against the host's baseline (see config.ts for the rule). */
export function scoreHour(row: EgressHourRow, config: ExfiltrationConfig): EgressScore {
  const weighted = row.bytes - row.newBytes + config.newDestinationWeight * row.newBytes;
  const hasBaseline = row.baselineHours >= config.minBaselineHours;
  const mean = hasBaseline ? row.baselineMean : 0;
  const std = hasBaseline ? row.baselineStd : 0;
  const threshold = Math.max(config.minBytes, mean + config.sigma * std, config.ratio * mean);
  return { weighted, threshold, hasBaseline };
}

/** One finding per host with at least one anomalous hour; evidence from its peak hour. */
export function detectExfiltration(
  rows: EgressHourRow[],
  config: ExfiltrationConfig,
  context: AnalyzerContext,
): Finding[] {
  const flagged = rows.filter((r) => {
    const s = scoreHour(r, config);
    return s.weighted > s.threshold;
  });
  return [...groupBy(flagged, (r) => r.ip).values()].map((hours) => toFinding(hours, config, context));
}

function toFinding(hours: EgressHourRow[], config: ExfiltrationConfig, context: AnalyzerContext): Finding {
  const peak = maxBy(hours, (h) => scoreHour(h, config).weighted);
  const score = scoreHour(peak, config);
  const intel = peak.topDestinations.find((d) => context.threatIntel.has(d));
  const severity = egressSeverity(peak, score, config, intel !== undefined);
  const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
  return {
    id: fingerprint(EXFILTRATION_CATEGORY, { ip: peak.ip }),
    category: EXFILTRATION_CATEGORY,
    severity,
    title: `${peak.ip} sent ${mib(peak.bytes)} to the internet in one hour`,
    reason:
      `In the hour from ${peak.hour}, ${peak.ip} sent ${mib(peak.bytes)} to ${peak.destinations} public destination(s), ` +
      `${mib(peak.newBytes)} to ${peak.newDestinations} never seen in the previous ${config.lookbackHours} h; ` +
      (score.hasBaseline
        ? `its baseline is ${mib(peak.baselineMean)}/h (σ ${mib(peak.baselineStd)}, max ${mib(peak.baselineMax)}), threshold ${mib(score.threshold)}.`
        : `it has no baseline (${peak.baselineHours} active hours), threshold ${mib(score.threshold)}.`),
    firstSeen: minTime(hours.map((h) => h.firstSeen)),
    lastSeen: maxTime(hours.map((h) => h.lastSeen)),
    subject: { ip: peak.ip, ...(peak.topDestinations[0] ? { remoteIp: peak.topDestinations[0] } : {}) },
    evidence: {
      flows: sum(hours, (h) => h.flows),
      bytes: sum(hours, (h) => h.bytes),
      distinctPeers: peak.destinations,
      anomalousHours: hours.length,
      peakHour: peak.hour,
      peakHourBytes: peak.bytes,
      newDestinationBytes: peak.newBytes,
      newDestinations: peak.newDestinations,
      topDestinations: peak.topDestinations,
      baseline: {
        hours: peak.baselineHours,
        meanBytes: peak.baselineMean,
        stdBytes: peak.baselineStd,
        maxBytes: peak.baselineMax,
      },
      thresholdBytes: score.threshold,
      ...(intel ? { threatIntel: intel } : {}),
      sampleFlows: sortSamples(peak.samples),
    },
    status: 'open',
  };
}

/**
 * Low without a baseline (a new host's first busy hour is usually deployment); medium above the
 * threshold; high when at least half went to new destinations and the score is twice the
 * threshold, or a destination is on a threat-intel list; critical when such an hour also
 * exceeds `criticalBytes`.
 */
export function egressSeverity(
  row: EgressHourRow,
  s: EgressScore,
  config: ExfiltrationConfig,
  intel: boolean,
): Severity {
  if (!s.hasBaseline && !intel) return 'low';
  const mostlyNew = row.newBytes * 2 >= row.bytes;
  const strong = (mostlyNew && s.weighted >= 2 * s.threshold) || intel;
  if (strong && row.bytes >= config.criticalBytes) return 'critical';
  return strong ? 'high' : 'medium';
}
