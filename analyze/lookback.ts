import { DAY_MS, wholeHours } from '../core/clickhouse/time.js';
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

/**
 * {@link hourSplit} with the whole UTC days inside its whole hours split off too, for a rollup with
 * a daily table chained on its hourly one (`flows_internal_1d`, migration 0780): `[firstDay, lastDay)`
 * from the daily table, `[firstHour, firstDay)` and `[lastDay, lastHour)` from the hourly one, the
 * partial hours raw. Without a whole day inside, both days are `firstHour`: the hours cover it all.
 * Passing every bound = `base` gives the raw-only answer, `firstDay = lastDay = firstHour` the hourly one.
 */
export function daySplit(
  base: Date,
  end: Date,
): { firstHour: string; lastHour: string; firstDay: string; lastDay: string } {
  const hours = hourSplit(base, end);
  const { from, to } = wholeHours(base, end);
  const [first, last] = [Math.ceil(from / DAY_MS) * DAY_MS, Math.floor(to / DAY_MS) * DAY_MS];
  if (from >= to || first >= last) return { ...hours, firstDay: hours.firstHour, lastDay: hours.firstHour };
  return { ...hours, firstDay: dt(new Date(first)), lastDay: dt(new Date(last)) };
}

/** Daily rollup rows of the look-back (`time` is the rollup's day). */
export const ROLLUP_DAYS = `time >= ${TS('firstDay')} AND time < ${TS('lastDay')}`;

/** Hourly rollup rows of the look-back's whole hours outside its whole days. */
export const ROLLUP_HOURS_AROUND_DAYS =
  `((time >= ${TS('firstHour')} AND time < ${TS('firstDay')}) OR ` +
  `(time >= ${TS('lastDay')} AND time < ${TS('lastHour')}))`;
