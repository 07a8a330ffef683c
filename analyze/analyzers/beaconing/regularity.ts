/** How regular a series of connection start times is. */
export interface Regularity {
  /** Median gap in seconds (the beacon interval when regular). */
  typicalGapSeconds: number;
  /** Share of all gaps within tolerance of the typical gap, 0–100. */
  percent: number;
  gaps: number;
  /**
   * Median absolute deviation of the kept gaps over their median: a jittered beacon (sleep ±30 %)
   * stays below ~0.2 while its share of matching gaps falls; random arrivals are ~0.5 and above.
   */
  dispersion: number;
}

/**
 * Gaps between consecutive starts; those at or below `minGapSeconds` (bursts, retries) never match.
 * The typical gap is the median of the remaining gaps — with a beacon, most gaps are the interval,
 * so the median is the interval even with outliers. Denominator: all gaps (like Sentinel's rule).
 */
export function regularity(
  startsMs: readonly number[],
  opts: { minGapSeconds: number; toleranceSeconds: number; tolerancePercent: number },
): Regularity {
  const gaps: number[] = [];
  for (let i = 1; i < startsMs.length; i++) gaps.push((startsMs[i]! - startsMs[i - 1]!) / 1000);
  const kept = gaps.filter((g) => g > opts.minGapSeconds).sort((a, b) => a - b);
  if (!kept.length) return { typicalGapSeconds: 0, percent: 0, gaps: gaps.length, dispersion: 1 };
  const median = medianOf(kept);
  const tolerance = Math.max(opts.toleranceSeconds, (opts.tolerancePercent / 100) * median);
  const matching = kept.filter((g) => Math.abs(g - median) <= tolerance).length;
  // Gaps dropped as bursts count against the dispersion as they do against the share.
  const dispersion =
    kept.length < gaps.length / 2 ? 1 : medianOf(kept.map((g) => Math.abs(g - median))) / median;
  return {
    typicalGapSeconds: median,
    percent: (100 * matching) / gaps.length,
    gaps: gaps.length,
    dispersion,
  };
}

/** Lower median of a list (sorted here). */
function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/**
 * Coefficient of variation (σ / mean) of the bytes per connection, over connections that carried
 * counters; null with fewer than 3 of them (NSG v1 logs no bytes, open connections none yet).
 * A command-and-control check-in without tasking is the same size every time (TLS records vary by
 * a few percent); benign polling returns whatever changed.
 */
export function byteVariation(sizes: readonly number[]): number | null {
  const counted = sizes.filter((n) => n > 0);
  if (counted.length < 3) return null;
  const mean = counted.reduce((a, b) => a + b, 0) / counted.length;
  const variance = counted.reduce((a, b) => a + (b - mean) ** 2, 0) / counted.length;
  return Math.sqrt(variance) / mean;
}
