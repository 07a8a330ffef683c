/**
 * The one place instants cross between JavaScript and ClickHouse. ClickHouse takes and returns
 * `DateTime64` as text without a zone (`YYYY-MM-DD hh:mm:ss.sss`, UTC in this schema); the product
 * speaks ISO-8601. Writing the conversion once keeps every reader agreeing on precision and zone.
 */

/** `YYYY-MM-DD hh:mm:ss.sss` (UTC): the text `{x:DateTime64(3)}` parameters and JSON inserts take. */
export function chTime(t: Date | string | number): string {
  const d = t instanceof Date ? t : new Date(t);
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * Milliseconds of ClickHouse `DateTime`/`DateTime64` text (UTC, no zone marker), or of ISO-8601
 * text (already carrying its zone). NaN when the text is neither.
 */
export function timeMs(text: string): number {
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return Number.NaN;
  if (text.includes('T')) return Date.parse(text);
  return Date.parse(`${text.replace(' ', 'T')}${text.length > 10 ? '' : 'T00:00:00'}Z`);
}

/**
 * ClickHouse time text → ISO-8601 with milliseconds (`2024-08-19T18:00:01.000Z`), whatever the
 * column's precision: one form for the Finding contract, the API and cursors. Throws on text that
 * is not a time (a schema drift must not turn into "Invalid Date" downstream).
 */
export function isoTime(text: string): string {
  const ms = timeMs(text);
  if (Number.isNaN(ms)) throw new RangeError(`not a ClickHouse time: ${JSON.stringify(text)}`);
  return new Date(ms).toISOString();
}

export const HOUR_MS = 3_600_000;

/**
 * The whole hours inside `[from, to)`, as ms: from its first hour boundary to its last (`from >= to`
 * when it holds none). Readers of the hourly rollups take these hours from the rollup and the partial
 * hours at either end from raw `flows`, so their answer is exact for any window.
 */
export function wholeHours(from: Date, to: Date): { from: number; to: number } {
  return {
    from: Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS,
    to: Math.floor(to.getTime() / HOUR_MS) * HOUR_MS,
  };
}

/** A stretch of `[from, to)` (ms) read from one tier: `unit` is the tier's bucket in ms, 0 = raw rows. */
export interface TierSpan {
  unit: number;
  from: number;
  to: number;
}

export const DAY_MS = 86_400_000;

/**
 * Splits `[from, to)` for a stack of rollups with buckets of `units` ms (coarsest first, each a
 * multiple of the next, e.g. days then hours): the whole buckets of the coarsest unit come from its
 * tier, the partial ones at either end from the next finer unit, and so on down to raw rows (unit 0)
 * for what no bucket covers whole. Reading each span from its tier and summing gives exactly the raw
 * answer for any window; the raw part is at most two of the finest buckets. UTC days and hours
 * (`toStartOfDay`/`toStartOfHour` in UTC) are multiples of the unit since the epoch.
 */
export function tierSpans(from: number, to: number, units: readonly number[]): TierSpan[] {
  if (from >= to) return [];
  const [unit, ...finer] = units;
  if (unit === undefined) return [{ unit: 0, from, to }];
  const first = Math.ceil(from / unit) * unit;
  const last = Math.floor(to / unit) * unit;
  if (first >= last) return tierSpans(from, to, finer);
  return [...tierSpans(from, first, finer), { unit, from: first, to: last }, ...tierSpans(last, to, finer)];
}

/**
 * Raw `flows` rows with `time` in `[from, to)` (SQL expressions, e.g. placeholders), plus the same bounds on `toStartOfFiveMinutes(time)`,
 * the first column of `flows`' sorting key (migration 0001). ClickHouse does not derive the latter
 * from a bound on `time` (DateTime64): measured on chDB, a 43-minute range selected 136 of a
 * part's 137 marks with the `time` bounds alone and 15 with both, so raw reads of partial hours and
 * ranges ending mid-day read whole parts. Implied by the `time` bounds (`time` has millisecond
 * precision, so a row before `to` is at `to` − 1 ms or earlier: a range ending on a bucket boundary
 * reads nothing of the next bucket), so it changes no answer;
 * on the rollups (other keys) it is one redundant comparison per row. The analyzers measured the
 * same (analyze/sql.ts `rawTimeRange`: a 3-minute tick window read its whole days; 333 k → 22 k rows
 * for the last hour of 10 M flows over 30 days).
 */
export function timeRangeSql(from: string, to: string): string {
  const key = 'toStartOfFiveMinutes(time)';
  return (
    `time >= ${from} AND time < ${to} AND ` +
    `${key} >= toStartOfFiveMinutes(${from}) AND ${key} <= toStartOfFiveMinutes(${to} - toIntervalMillisecond(1))`
  );
}

/**
 * Where a newest-first (or oldest-first) read goes: the first slice's length and how much each next
 * one grows. The API's flow search reads a page slice by slice from its start (the window's newest end for `desc`), so a 30-day search
 * whose matches are recent reads hours, not a sort of 30 days: at 100 M flows the filtered 30-day
 * page took 5.2 s in one query; at 10 M (`npm run bench -- api`) one query read 9.9 M rows for a
 * 100-row page, the slices 18–27 k (p50 514 → 23 ms). A filter that matches little still reads the
 * whole window, in at most 6 queries for 30 days (1 h, ×4 each; 84 ms against 13 ms for one query
 * that matched nothing). The rule report reads its sample flows the same way. Tests pass other
 * values to prove that any slicing gives the same pages.
 */
export interface Slicing {
  firstMs: number;
  growth: number;
}

export const PAGE_SLICING: Slicing = { firstMs: 3_600_000, growth: 4 };

/**
 * The slices of `[from, to)` in page order: from the newest end backwards for `desc`, from the
 * oldest end forwards for `asc`, each `growth` times longer than the one before.
 */
export function pageSlices(from: number, to: number, order: 'asc' | 'desc', s: Slicing): [number, number][] {
  const out: [number, number][] = [];
  for (let lo = from, hi = to, w = s.firstMs; lo < hi; w *= s.growth) {
    if (order === 'desc') {
      out.push([Math.max(lo, hi - w), hi]);
      hi = Math.max(lo, hi - w);
    } else {
      out.push([lo, Math.min(hi, lo + w)]);
      lo = Math.min(hi, lo + w);
    }
  }
  return out;
}
