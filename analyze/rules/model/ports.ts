/**
 * Port specs of NSG rules: `*`, a single port, or `lo-hi`, as a list. Ranges are inclusive pairs.
 * @see https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules
 */
export type PortRange = readonly [number, number];

/** Parses one port term; null when it is not a port, a range or `*`. */
export function parsePortTerm(term: string): PortRange | null {
  const t = term.trim();
  if (t === '*' || t.toLowerCase() === 'any') return [0, 65535];
  const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(t);
  if (!m) return null;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (lo > 65535 || hi > 65535 || lo > hi) return null;
  return [lo, hi];
}

/**
 * Parses a list of port terms (an entry may itself hold a comma-separated list) into sorted, merged
 * ranges. Invalid terms are returned separately so the caller can count and report them.
 */
export function parsePorts(terms: readonly string[]): { ranges: PortRange[]; invalid: string[] } {
  const ranges: PortRange[] = [];
  const invalid: string[] = [];
  for (const entry of terms) {
    for (const term of entry.split(',')) {
      if (!term.trim()) continue;
      const r = parsePortTerm(term);
      if (r) ranges.push(r);
      else invalid.push(term.trim());
    }
  }
  return { ranges: mergeRanges(ranges), invalid };
}

/** Sorts and merges overlapping or touching ranges. */
export function mergeRanges(ranges: readonly PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

export function portInRanges(ranges: readonly PortRange[], port: number): boolean {
  for (const [lo, hi] of ranges) if (port >= lo && port <= hi) return true;
  return false;
}

/** True when every port of `inner` is in `outer` (both merged). */
export function rangesContain(outer: readonly PortRange[], inner: readonly PortRange[]): boolean {
  return inner.every(([lo, hi]) => outer.some(([a, b]) => a <= lo && hi <= b));
}

export function portCount(ranges: readonly PortRange[]): number {
  return ranges.reduce((n, [lo, hi]) => n + hi - lo + 1, 0);
}

export function isAllPorts(ranges: readonly PortRange[]): boolean {
  return ranges.length === 1 && ranges[0]![0] === 0 && ranges[0]![1] === 65535;
}

/** Azure's text form: `*`, `443`, `8000-8080`. */
export function formatPortRanges(ranges: readonly PortRange[]): string[] {
  if (isAllPorts(ranges)) return ['*'];
  return ranges.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`));
}

/** Ports of `outer` not in `inner` (set difference), merged. */
export function subtractRanges(outer: readonly PortRange[], inner: readonly PortRange[]): PortRange[] {
  let rest: PortRange[] = mergeRanges(outer);
  for (const [lo, hi] of mergeRanges(inner)) {
    const next: PortRange[] = [];
    for (const [a, b] of rest) {
      if (hi < a || lo > b) next.push([a, b]);
      else {
        if (a < lo) next.push([a, lo - 1]);
        if (hi < b) next.push([hi + 1, b]);
      }
    }
    rest = next;
  }
  return rest;
}
