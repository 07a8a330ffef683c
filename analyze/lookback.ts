import { wholeHours } from '../core/clickhouse/time.js';
import { dt, rawTimeRange } from './sql.js';

const TS = (name: string) => `{${name}:DateTime64(3, 'UTC')}`;

/**
 * Splits a look-back `[base, end)` for hourly rollups (issue 17): `[firstHour, lastHour)` are its
 * whole hours, read from a rollup; `[base, firstHour)` and `[lastHour, end)` are its partial hours,
 * read from raw `flows`. Without a whole hour inside, both are `base`: everything is read raw.
 * Passing `firstHour = lastHour = base` gives the raw-only answer (tests compare the two).
 */
export function hourSplit(base: Date, end: Date): { firstHour: string; lastHour: string } {
  const { from: first, to: last } = wholeHours(base, end);
  if (first >= last) return { firstHour: dt(base), lastHour: dt(base) };
  return { firstHour: dt(new Date(first)), lastHour: dt(new Date(last)) };
}

/** Rollup hours of the look-back (`time` is the rollup's hour). */
export const ROLLUP_HOURS = `time >= ${TS('firstHour')} AND time < ${TS('lastHour')}`;

/**
 * Raw rows of the look-back's partial hours: from `base` to `firstHour`, and from `lastHour` to `end`
 * (each range also on the sorting key's first column, so only their granules are read: sql.ts
 * `rawTimeRange`).
 */
export function rawEdges(base: string, end: string): string {
  return `((${rawTimeRange(base, 'firstHour')}) OR (${rawTimeRange('lastHour', end)}))`;
}
