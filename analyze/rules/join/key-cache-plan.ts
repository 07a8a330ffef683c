import { DAY_MS, HOUR_MS } from '../../../core/clickhouse/time.js';
import { sliceMs, type Window } from './queries.js';

/**
 * How far behind the database's clock a day's arrival watermark is set. `flows.ingested_at` is the
 * server's `now64(3)` when it formed the insert's block; the rows become visible only when that
 * block's part (and the ingest-health view's part) is committed. An insert still in flight when the
 * cache reads a day can thus commit rows stamped before the read. The bound on that gap: the client
 * gives up on an insert after its 120 s request timeout (core/clickhouse/client.ts) and a retry is a
 * new insert with a new `ingested_at`; a block is committed within seconds of being formed. Ten
 * minutes is five times that timeout and also covers clock skew between the nodes of a cluster
 * (the node stamping `ingested_at` need not be the one answering the cache's query). A flow stamped
 * before `now − lag` is committed before the read; any later one is seen by the validity check.
 * The cost of a longer lag: a day is cached only once it closed this long ago, and a day whose last
 * flows arrived within the lag of its computation is computed once more.
 */
export const ARRIVAL_LAG_MS = 10 * 60_000;

/** The whole closed UTC days of a window the cache may serve, and the raw ends around them. */
export interface CachePlan {
  /** First cached day (UTC midnight, ms) and the end of the last one (exclusive). */
  from: number;
  to: number;
  /** The days, `YYYY-MM-DD`. */
  days: string[];
}

/**
 * The days of `w` the cache can serve at arrival watermark `watermarkMs`: whole UTC days inside the
 * window that ended before the watermark (the open day and later are read raw). Null when there are
 * none, or when coverage slices are shorter than an hour: the cache keeps each hour's first and last
 * flow, which give an hour's slices exactly only when an hour spans at most two of them.
 * With a raw retention (`rawTtlDays` > 0; 0 keeps flows forever) a day's flows may start to expire
 * `rawTtlDays` after its start (migration 0002: from the later of flow time and arrival), so a day
 * that reaches that point within {@link ARRIVAL_LAG_MS} of now (the watermark plus the lag) is read
 * raw: the cache must not answer for flows `flows` may no longer hold.
 */
export function cachePlan(w: Window, buckets: number, watermarkMs: number, rawTtlDays = 0): CachePlan | null {
  if (sliceMs(w, buckets) < HOUR_MS || rawTtlDays < 0) return null;
  const kept = rawTtlDays > 0 ? watermarkMs + 2 * ARRIVAL_LAG_MS - rawTtlDays * DAY_MS : 0;
  const from = Math.ceil(Math.max(Date.parse(w.from), kept) / DAY_MS) * DAY_MS;
  const to = Math.floor(Math.min(Date.parse(w.to), watermarkMs) / DAY_MS) * DAY_MS;
  if (to <= from) return null;
  const days: string[] = [];
  for (let d = from; d < to; d += DAY_MS) days.push(dayText(d));
  return { from, to, days };
}

export const dayText = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A day's newest cached computation: its watermark and the flows it counted. */
export interface CachedDay {
  watermark: string;
  hits: number;
}

/** A day's flows as the ingest-health rollup counts them, and the newest arrival among them. */
export interface DayArrivals {
  rows: number;
  newestArrival: string;
}

/**
 * A cached day is reused only when no flow of that day arrived after its watermark and it counted
 * as many flows as the day holds (the count catches flows removed and stored again, e.g. a
 * truncated table). Times are ClickHouse `DateTime64(3)` text, which orders as it reads.
 */
export function isValid(cached: CachedDay | undefined, arrivals: DayArrivals | undefined): boolean {
  if (!cached) return false;
  if (!arrivals) return cached.hits === 0;
  return arrivals.rows === cached.hits && arrivals.newestArrival <= cached.watermark;
}

/**
 * The time range of each day (`YYYY-MM-DD`) to compute: one insert per day, not per run of days.
 * A fill keeps a `uniqExact` state per rule group and hour until its day is summed, so a run of
 * 30 days (a first start) held 720 hours of per-hour source sets at once; a day holds 24.
 */
export function dayRanges(days: string[]): { from: number; to: number }[] {
  return days.map((d) => {
    const start = Date.parse(`${d}T00:00:00Z`);
    return { from: start, to: start + DAY_MS };
  });
}
