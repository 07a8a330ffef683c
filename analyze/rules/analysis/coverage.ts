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
