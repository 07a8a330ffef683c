/**
 * Flow-log coverage of an NSG: share of equal window slices that hold any of its flows. Flow logs
 * only write when there is traffic, so "no hits" means "unused" only where the NSG's logs are
 * present across the window; otherwise there is no verdict.
 */
export function coverageShare(buckets: ReadonlySet<number>, total: number, firstBucket = 0): number {
  const span = total - firstBucket;
  if (span <= 0) return 0;
  let n = 0;
  for (const b of buckets) if (b >= firstBucket && b < total) n++;
  return n / span;
}

/** The slice index an instant falls in (clamped to the window). */
export function bucketOf(iso: string, window: { from: string; to: string }, total: number): number {
  const from = Date.parse(window.from);
  const span = Math.max(1, Date.parse(window.to) - from);
  const slice = Math.ceil(span / total);
  return Math.min(total, Math.max(0, Math.floor((Date.parse(iso) - from) / slice)));
}

/** Coverage in hours: what a share of a span covered, what `minCoverage` requires, what is missing. */
export interface CoverageHours {
  /** Hours of the span (the window, or the part of it a rule existed) with flow logs. */
  coveredHours: number;
  /** Hours with flow logs needed before "no hits" may be called "unused". */
  requiredHours: number;
  /** More hours of flow logs needed (0 when covered). */
  missingHours: number;
}

/** Hours, rounded to 0.1 h (coverage is measured in window slices, not to the minute). */
export function coverageHours(share: number, spanHours: number, minCoverage: number): CoverageHours {
  const round = (h: number) => Math.round(h * 10) / 10;
  const covered = share * spanHours;
  const required = minCoverage * spanHours;
  return {
    coveredHours: round(covered),
    requiredHours: round(required),
    missingHours: round(Math.max(0, required - covered)),
  };
}

/** Hours from slice `firstBucket` to the end of the window (the span a coverage share is of). */
export function spanHours(window: { from: string; to: string }, total: number, firstBucket = 0): number {
  const hours = (Date.parse(window.to) - Date.parse(window.from)) / 3_600_000;
  return (hours * Math.max(0, total - firstBucket)) / total;
}
