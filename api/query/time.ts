import { ApiError } from '../errors.js';

/** A half-open time range `[from, to)`. */
export interface TimeWindow {
  from: Date;
  to: Date;
}

const UNITS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };
const MAX_SPAN_MS = 400 * 86400e3;
/** Instants outside these bounds are refused (400): `DateTime64` stops at 2299, flow logs start after 1970. */
const EARLIEST_MS = Date.UTC(1970, 0, 1);
const LATEST_MS = Date.UTC(2299, 11, 31);

/**
 * Parses `from`/`to` as ISO-8601 or relative to now (`now`, `now-15m`, `now-24h`, `now-30d`).
 * Defaults to the last 24 hours.
 */
export function parseWindow(from: string | undefined, to: string | undefined, now: Date): TimeWindow {
  const end = parseInstant(to ?? 'now', now, 'to');
  const start = parseInstant(from ?? 'now-24h', now, 'from');
  if (start.getTime() >= end.getTime()) throw new ApiError(400, 'invalid_request', 'from must be before to');
  if (end.getTime() - start.getTime() > MAX_SPAN_MS) {
    throw new ApiError(400, 'invalid_request', 'time range longer than 400 days');
  }
  return { from: start, to: end };
}

export function parseInstant(text: string, now: Date, name: string): Date {
  const rel = /^now(?:-(\d{1,6})([smhdw]))?$/.exec(text.trim());
  if (rel) {
    const [, n, unit] = rel;
    return inBounds(now.getTime() - (n ? Number(n) * UNITS[unit!]! : 0), name);
  }
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new ApiError(400, 'invalid_request', `${name} must be ISO-8601 or now-<n><s|m|h|d|w>`);
  }
  return inBounds(ms, name);
}

function inBounds(ms: number, name: string): Date {
  if (!(ms >= EARLIEST_MS && ms <= LATEST_MS)) {
    throw new ApiError(400, 'invalid_request', `${name} must lie between 1970-01-01 and 2299-12-31`);
  }
  return new Date(ms);
}

/** The routes' time conversions are the one time module's (core/clickhouse/time.ts). */
export { chTime, isoTime, timeRangeSql } from '../../core/clickhouse/time.js';

const STEPS = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 7 * 86400];

/** Bucket width in seconds: at most ~`maxPoints` buckets, never finer than the table's resolution. */
export function pickStep(window: TimeWindow, resolutionSeconds: number, maxPoints = 240): number {
  const span = (window.to.getTime() - window.from.getTime()) / 1000;
  return STEPS.find((s) => s >= resolutionSeconds && span / s <= maxPoints) ?? STEPS.at(-1)!;
}
