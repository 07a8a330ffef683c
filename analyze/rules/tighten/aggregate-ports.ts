import { mergeRanges, type PortRange } from '../model/ports.js';

/**
 * Observed destination ports as few list entries as allowed: consecutive ports become ranges, then
 * the two entries with the smallest gap merge until at most `maxEntries` remain.
 */
export function aggregatePorts(ports: Iterable<number>, maxEntries: number): PortRange[] {
  let ranges: [number, number][] = mergeRanges([...ports].map((p) => [p, p] as const)).map(([a, b]) => [
    a,
    b,
  ]);
  while (ranges.length > Math.max(1, maxEntries)) {
    let best = 0;
    for (let i = 1; i + 1 < ranges.length; i++) {
      if (ranges[i + 1]![0] - ranges[i]![1] < ranges[best + 1]![0] - ranges[best]![1]) best = i;
    }
    const merged: [number, number] = [ranges[best]![0], ranges[best + 1]![1]];
    ranges = [...ranges.slice(0, best), merged, ...ranges.slice(best + 2)];
  }
  return ranges;
}

/** Ports in both lists. */
export function intersectRanges(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  const out: PortRange[] = [];
  for (const [lo, hi] of a) {
    for (const [c, d] of b) {
      const l = Math.max(lo, c);
      const h = Math.min(hi, d);
      if (l <= h) out.push([l, h]);
    }
  }
  return mergeRanges(out);
}
