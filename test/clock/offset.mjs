const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, y: 365 * 86_400_000 };

/** `+3y`, `-90d`, `+36h`, `15m`, `+1000` (ms) → milliseconds; empty or unset → 0. */
export function parseClockOffset(text) {
  if (!text) return 0;
  const m = /^([+-]?)(\d+)(ms|s|m|h|d|y)?$/.exec(text.trim());
  if (!m)
    throw new Error(`FLOWLENS_CLOCK_OFFSET: cannot read ${JSON.stringify(text)} (e.g. +3y, -90d, +36h)`);
  return (m[1] === '-' ? -1 : 1) * Number(m[2]) * UNIT_MS[m[3] ?? 'ms'];
}
