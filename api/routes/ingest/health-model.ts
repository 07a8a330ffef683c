/**
 * Ingest health per flow log, pure: what the database says about each flow log (NSG or VNet flow
 * log target) turned into a status an operator can act on. I/O lives in queries.ts and health.ts.
 */

/** Azure writes one record per flow log and minute (docs/reference/flow-logs.md): the cadence floor. */
const AZURE_CADENCE_SECONDS = 60;
/** Nothing arrived for this many intervals (now − newest arrival ≥ this × interval): `silent`. */
const SILENT_INTERVALS = 2;
/** Rows arrive, but the newest flow is older than this many intervals: `late` (delayed delivery, backlog). */
const LATE_INTERVALS = 5;

export type HealthStatus = 'ok' | 'late' | 'silent';

export interface Thresholds {
  /** The interval a flow log is expected to deliver in: max(source poll interval, Azure's minute). */
  intervalSeconds: number;
  /** now − newest arrival at or above this: `silent`. */
  silentAfterSeconds: number;
  /** now − newest flow above this (while arriving): `late`. */
  lateAfterSeconds: number;
}

/**
 * The expected delivery interval: the longest poll interval of the sources that carry the flow log
 * (a source only sees new data once per poll), never below Azure's one-minute write cadence (a
 * flow log gets one record a minute however often it is polled). Push sources poll nothing (0).
 */
export function thresholdsFor(pollSeconds: readonly number[]): Thresholds {
  const intervalSeconds = Math.max(AZURE_CADENCE_SECONDS, ...pollSeconds);
  return {
    intervalSeconds,
    silentAfterSeconds: SILENT_INTERVALS * intervalSeconds,
    lateAfterSeconds: LATE_INTERVALS * intervalSeconds,
  };
}

/** ok / late / silent from the two lags (seconds). Silent wins: a flow log that stopped is not "late". */
export function statusOf(lag: { arrivalSeconds: number; flowSeconds: number }, t: Thresholds): HealthStatus {
  if (lag.arrivalSeconds >= t.silentAfterSeconds) return 'silent';
  if (lag.flowSeconds > t.lateAfterSeconds) return 'late';
  return 'ok';
}

/** Whole seconds from `iso` to `now`, never negative (clock skew between hosts). */
export function secondsSince(iso: string, now: Date): number {
  return Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
}

export type TargetKind = 'nsg' | 'vnet' | 'subnet' | 'nic' | 'flow-log';

/** What an ARM id (lower-cased key) names: an NSG, a VNet, a subnet, a NIC, or only a flow log. */
export function targetKind(key: string): TargetKind {
  if (/\/networksecuritygroups\/[^/]+$/.test(key)) return 'nsg';
  if (/\/virtualnetworks\/[^/]+\/subnets\/[^/]+$/.test(key)) return 'subnet';
  if (/\/virtualnetworks\/[^/]+$/.test(key)) return 'vnet';
  if (/\/networkinterfaces\/[^/]+$/.test(key)) return 'nic';
  return 'flow-log';
}

/** The last segment of an ARM id or path (the resource's own name). */
export function shortName(id: string): string {
  const parts = id.split('/').filter(Boolean);
  return parts.at(-1) ?? id;
}

/**
 * Coverage over the rules window: the share of its hours with any flow of this flow log. Rule
 * verdicts ("unused") need `rules.minCoverage` of the window covered (docs/rules.md); the hours
 * missing are what keeps a verdict back.
 */
export interface Coverage {
  windowHours: number;
  coveredHours: number;
  share: number;
  /** True when the share reaches `rules.minCoverage`: "no hits" on this flow log may be called unused. */
  enough: boolean;
}

export function coverageOf(coveredHours: number, windowHours: number, minCoverage: number): Coverage {
  const hours = Math.max(1, Math.ceil(windowHours));
  const covered = Math.min(hours, coveredHours);
  const share = Math.round((covered / hours) * 1000) / 1000;
  return { windowHours: hours, coveredHours: covered, share, enough: share >= minCoverage };
}

/** Rows per minute for the last hour, oldest first, with zeros where nothing arrived. */
export function sparkline(points: readonly { minute: number; rows: number }[], minutes = 60): number[] {
  const out = new Array<number>(minutes).fill(0);
  for (const p of points) if (p.minute >= 0 && p.minute < minutes) out[p.minute] = p.rows;
  return out;
}

/** Status order for sorting: the flow logs that need attention first. */
export const STATUS_RANK: Record<HealthStatus, number> = { silent: 0, late: 1, ok: 2 };
