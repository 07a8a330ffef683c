import type { Finding, Severity } from '../../../core/finding.js';
import { groupBy, maxBy, maxTime, minTime, sum } from '../../aggregate.js';
import type { AnalysisWindow, AnalyzerContext } from '../../analyzer.js';
import { fingerprint } from '../../fingerprint.js';
import { expandWindow, sortSamples } from '../../sql.js';
import type { ExfiltrationConfig } from './config.js';
import type { EgressHourRow } from './query.js';

export const EXFILTRATION_CATEGORY = 'exfiltration';

export interface Baseline {
  hours: number;
  mean: number;
  std: number;
  max: number;
}

export interface EgressScore {
  weighted: number;
  threshold: number;
  hasBaseline: boolean;
  baseline: Baseline;
}

/** A candidate hour with the score it got against its own baseline. */
interface Scored {
  row: EgressHourRow;
  score: EgressScore;
}

/**
 * Baseline of one hour: the host's active hours (egress > 0) in the look-back before it. Mean over
 * active hours, not all hours, so an idle night does not make a normal working hour look anomalous.
 */
export function baselineOf(
  series: readonly EgressHourRow[],
  hourMs: number,
  lookbackHours: number,
): Baseline {
  const from = hourMs - lookbackHours * 3_600_000;
  const values = series
    .filter((r) => {
      const t = Date.parse(r.hour);
      return t >= from && t < hourMs;
    })
    .map((r) => r.bytes);
  if (!values.length) return { hours: 0, mean: 0, std: 0, max: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { hours: values.length, mean, std: Math.sqrt(variance), max: Math.max(...values) };
}

/** Weighted egress of one hour against the host's baseline (see config.ts for the rule). */
export function scoreHour(row: EgressHourRow, baseline: Baseline, config: ExfiltrationConfig): EgressScore {
  const weighted = row.bytes - row.newBytes + config.newDestinationWeight * row.newBytes;
  const hasBaseline = baseline.hours >= config.minBaselineHours;
  const mean = hasBaseline ? baseline.mean : 0;
  const std = hasBaseline ? baseline.std : 0;
  const threshold = Math.max(config.minBytes, mean + config.sigma * std, config.ratio * mean);
  return { weighted, threshold, hasBaseline, baseline };
}

/** One finding per host with at least one anomalous hour in the window; evidence from its peak hour. */
export function detectExfiltration(
  rows: EgressHourRow[],
  config: ExfiltrationConfig,
  window: AnalysisWindow,
  context: AnalyzerContext,
): Finding[] {
  const from = expandWindow(window, 3600).from.getTime();
  const out: Finding[] = [];
  for (const series of groupBy(rows, (r) => r.ip).values()) {
    const flagged: Scored[] = [];
    for (const row of series) {
      const hourMs = Date.parse(row.hour);
      if (hourMs < from || row.bytes < config.minBytes) continue;
      const score = scoreHour(row, baselineOf(series, hourMs, config.lookbackHours), config);
      if (score.weighted > score.threshold) flagged.push({ row, score });
    }
    if (flagged.length) out.push(toFinding(flagged, config, context));
  }
  return out;
}

function toFinding(flagged: Scored[], config: ExfiltrationConfig, context: AnalyzerContext): Finding {
  const { row: peak, score } = maxBy(flagged, (s) => s.score.weighted);
  const hours = flagged.map((s) => s.row);
  const b = score.baseline;
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
        ? `its baseline is ${mib(b.mean)}/h (σ ${mib(b.std)}, max ${mib(b.max)}), threshold ${mib(score.threshold)}.`
        : `it has no baseline (${b.hours} active hours), threshold ${mib(score.threshold)}.`),
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
        hours: b.hours,
        meanBytes: b.mean,
        stdBytes: b.std,
        maxBytes: b.max,
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
