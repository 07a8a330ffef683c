/**
 * Test data dated relative to the clock, never to a calendar date: data arrives for years after a
 * test is written, and CI runs the suites again with the clock moved 3 years ahead
 * (FLOWLENS_CLOCK_OFFSET, test/clock/shift.mjs).
 */

const HOUR = 3_600_000;

/** Start of the UTC hour `hours` before `nowMs` (default: now). */
export function hourStartAgo(hours: number, nowMs = Date.now()): number {
  return Math.floor(nowMs / HOUR) * HOUR - hours * HOUR;
}

/** Start of the UTC day `days` before `nowMs` (default: now). */
export function dayStartAgo(days: number, nowMs = Date.now()): number {
  return Math.floor(nowMs / (24 * HOUR)) * 24 * HOUR - days * 24 * HOUR;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
