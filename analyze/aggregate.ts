/** Small helpers for merging per-bucket rows into one finding. */
export function sum<T>(items: readonly T[], f: (t: T) => number): number {
  return items.reduce((acc, t) => acc + f(t), 0);
}

/** Smallest ISO timestamp (ISO 8601 UTC strings sort lexicographically). */
export function minTime(values: readonly string[]): string {
  return values.reduce((a, b) => (b < a ? b : a));
}

export function maxTime(values: readonly string[]): string {
  return values.reduce((a, b) => (b > a ? b : a));
}

export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

export function maxBy<T>(items: readonly T[], f: (t: T) => number): T {
  return items.reduce((a, b) => (f(b) > f(a) ? b : a));
}
