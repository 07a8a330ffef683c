/** How regular a series of connection start times is. */
export interface Regularity {
  /** Median gap in seconds (the beacon interval when regular). */
  typicalGapSeconds: number;
  /** Share of all gaps within tolerance of the typical gap, 0–100. */
  percent: number;
  gaps: number;
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
  if (!kept.length) return { typicalGapSeconds: 0, percent: 0, gaps: gaps.length };
  const median = kept[Math.floor((kept.length - 1) / 2)]!;
  const tolerance = Math.max(opts.toleranceSeconds, (opts.tolerancePercent / 100) * median);
  const matching = kept.filter((g) => Math.abs(g - median) <= tolerance).length;
  return { typicalGapSeconds: median, percent: (100 * matching) / gaps.length, gaps: gaps.length };
}
