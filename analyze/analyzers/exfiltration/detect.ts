import type { Finding, Severity } from '../../../core/finding.js';
import { groupBy, maxBy, maxTime, minTime, sum } from '../../aggregate.js';
import type { AnalysisWindow, AnalyzerContext } from '../../analyzer.js';
import { fingerprint } from '../../fingerprint.js';
import { expandWindow, sortSamples } from '../../sql.js';
import type { ExfiltrationConfig } from './config.js';
import { parseGroupKey } from './groups.js';
import type { EgressHourRow } from './query.js';

export const EXFILTRATION_CATEGORY = 'exfiltration';
const HOUR_MS = 3_600_000;

export interface Baseline {
  hours: number;
  mean: number;
  std: number;
  max: number;
}

/** Why a pair was flagged (see config.ts for the model). */
export type EgressKind = 'new-destination' | 'low-and-slow' | 'above-pair-history' | 'new-to-host';

interface Verdict {
  kind: EgressKind;
  hours: EgressHourRow[];
  peak: EgressHourRow;
  baseline: Baseline;
  threshold: number;
}

/** The pair's own hourly history before `hourMs` within the look-back (active hours only). */
export function baselineOf(
  series: readonly EgressHourRow[],
  hourMs: number,
  lookbackHours: number,
): Baseline {
  const from = hourMs - lookbackHours * HOUR_MS;
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

/** Threshold of a known pair's hour: max(minBytes, mean + σ·sigma, ratio × largest earlier hour). */
export function pairThreshold(b: Baseline, config: ExfiltrationConfig): number {
  return Math.max(config.minBytes, b.mean + config.sigma * b.std, config.ratio * b.max);
}

/**
 * One finding per (host, destination group) judged by novelty, cumulative volume and the pair's
 * history; a group is a service tag, an AS or an address (groups.ts).
 */
export function detectExfiltration(
  rows: EgressHourRow[],
  config: ExfiltrationConfig,
  window: AnalysisWindow,
  context: AnalyzerContext,
): Finding[] {
  const from = expandWindow(window, 3600).from.getTime();
  const out: Finding[] = [];
  for (const series of groupBy(rows, (r) => `${r.ip}|${r.dest}`).values()) {
    const verdict = judgePair(series, from, config);
    if (verdict) out.push(toFinding(verdict, config, context));
  }
  return out;
}

/** True when the fleet's first contact is recent and the look-back reached far enough before it. */
export function isNewDestination(row: EgressHourRow, hourMs: number, config: ExfiltrationConfig): boolean {
  const first = Date.parse(row.fleetFirst);
  const covered = first - Date.parse(row.dataStart) >= config.minHistoryHours * HOUR_MS;
  return covered && hourMs - first < config.noveltyHours * HOUR_MS;
}

export function judgePair(
  series: EgressHourRow[],
  fromMs: number,
  config: ExfiltrationConfig,
): Verdict | null {
  const inWindow = series.filter((r) => Date.parse(r.hour) >= fromMs);
  if (!inWindow.length) return null;
  const none: Baseline = { hours: 0, mean: 0, std: 0, max: 0 };
  const fresh = inWindow.filter((r) => isNewDestination(r, Date.parse(r.hour), config));
  if (fresh.length) {
    const peak = maxBy(fresh, (r) => r.bytes);
    if (peak.bytes >= config.minBytes)
      return { kind: 'new-destination', hours: fresh, peak, baseline: none, threshold: config.minBytes };
    if (sum(fresh, (r) => r.bytes) >= config.cumulativeBytes) {
      return { kind: 'low-and-slow', hours: fresh, peak, baseline: none, threshold: config.cumulativeBytes };
    }
    return null;
  }
  return judgeKnown(series, inWindow, config);
}

function judgeKnown(
  series: EgressHourRow[],
  inWindow: EgressHourRow[],
  config: ExfiltrationConfig,
): Verdict | null {
  const flagged: { row: EgressHourRow; baseline: Baseline; threshold: number }[] = [];
  for (const row of inWindow) {
    if (row.bytes < config.minBytes) continue;
    const baseline = baselineOf(series, Date.parse(row.hour), config.lookbackHours);
    const threshold = pairThreshold(baseline, config);
    if (!baseline.hours || row.bytes > threshold) flagged.push({ row, baseline, threshold });
  }
  if (!flagged.length) return null;
  const top = maxBy(flagged, (f) => f.row.bytes);
  const kind = top.baseline.hours ? 'above-pair-history' : 'new-to-host';
  return {
    kind,
    hours: flagged.map((f) => f.row),
    peak: top.row,
    baseline: top.baseline,
    threshold: top.threshold,
  };
}

/**
 * New destination: high (critical from `criticalBytes` in an hour); low and slow: high; a known
 * pair above its own history: medium; new to the host but known to the fleet: low. A threat-intel
 * destination raises any of them to at least high.
 */
export function egressSeverity(v: Verdict, config: ExfiltrationConfig, intel: boolean): Severity {
  if (v.kind === 'new-destination' && v.peak.bytes >= config.criticalBytes) return 'critical';
  if (intel || v.kind === 'new-destination' || v.kind === 'low-and-slow') return 'high';
  return v.kind === 'above-pair-history' ? 'medium' : 'low';
}

const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

const REASONS: Record<EgressKind, (v: Verdict, total: number) => string> = {
  'new-destination': (v) =>
    `a destination no host of ours had contacted before ${v.peak.fleetFirst}; peak hour ${mib(v.peak.bytes)}.`,
  'low-and-slow': (v, total) =>
    `a new destination received ${mib(total)} within 24 h of first contact in ${v.hours.length} hour(s), none above ${mib(v.peak.bytes)}.`,
  'above-pair-history': (v) =>
    `the pair's earlier hours average ${mib(v.baseline.mean)} (max ${mib(v.baseline.max)} over ${v.baseline.hours} h); threshold ${mib(v.threshold)}.`,
  'new-to-host': () => 'the host never sent to it before, but other hosts of ours did (a shared service).',
};

/**
 * What the evidence says about the destination group. A grouped destination's id keys on the
 * group (its busiest address changes night to night); a single address keeps the (ip, remoteIp) id.
 */
function groupFacts(v: Verdict) {
  const { kind, name } = parseGroupKey(v.peak.dest);
  const addresses = Math.max(...v.hours.map((h) => h.remotes));
  const grouped = kind !== 'address';
  const label = grouped
    ? `${name} (${v.peak.remote}${addresses > 1 ? ` and ${addresses - 1} more` : ''})`
    : name;
  const cut = grouped
    ? [
        `destination-group: ${kind} ${name}, ${addresses} address(es) judged as one destination against the host's own history`,
      ]
    : [];
  const key = grouped
    ? { ip: v.peak.ip, destination: v.peak.dest }
    : { ip: v.peak.ip, remoteIp: v.peak.remote };
  return { group: { kind, name, addresses }, label, cut, key };
}

function toFinding(v: Verdict, config: ExfiltrationConfig, context: AnalyzerContext): Finding {
  const { peak } = v;
  const intel = v.hours.some((h) => context.threatIntel.has(h.remote));
  const total = sum(v.hours, (h) => h.bytes);
  const g = groupFacts(v);
  return {
    id: fingerprint(EXFILTRATION_CATEGORY, g.key),
    category: EXFILTRATION_CATEGORY,
    severity: egressSeverity(v, config, intel),
    title: `${peak.ip} sent ${mib(total)} to ${g.label} (${v.kind})`,
    reason: `${peak.ip} uploaded ${mib(total)} to ${g.label} on connections it opened: ${REASONS[v.kind](v, total)}`,
    firstSeen: minTime(v.hours.map((h) => h.firstSeen)),
    lastSeen: maxTime(v.hours.map((h) => h.lastSeen)),
    subject: { ip: peak.ip, remoteIp: peak.remote },
    evidence: {
      kind: v.kind,
      flows: sum(v.hours, (h) => h.flows),
      bytes: total,
      distinctPeers: g.group.addresses,
      destinationGroup: g.group,
      noiseCuts: g.cut,
      anomalousHours: v.hours.length,
      peakHour: peak.hour,
      peakHourBytes: peak.bytes,
      fleetFirstSeen: peak.fleetFirst,
      baseline: {
        hours: v.baseline.hours,
        meanBytes: v.baseline.mean,
        stdBytes: v.baseline.std,
        maxBytes: v.baseline.max,
      },
      thresholdBytes: v.threshold,
      ...(intel ? { threatIntel: peak.remote } : {}),
      sampleFlows: sortSamples(peak.samples),
    },
    status: 'open',
  };
}
