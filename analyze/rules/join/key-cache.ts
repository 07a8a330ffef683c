import { z } from 'zod';
import type { Db } from '../../../core/clickhouse/client.js';
import { ttlDaysOf } from '../../../core/clickhouse/migrate.js';
import { query } from '../../../core/clickhouse/query.js';
import { chTime, timeMs } from '../../../core/clickhouse/time.js';
import { rawTimeRange } from '../../sql.js';
import {
  ARRIVAL_LAG_MS,
  type CachedDay,
  type CachePlan,
  cachePlan,
  type DayArrivals,
  dayRanges,
  dayText,
  isValid,
} from './key-cache-plan.js';
import {
  KeyBucketsRowSchema,
  type KeyStatsAndCoverage,
  keysAndCoverage,
  queryKeyStatsAndCoverage,
  sliceMs,
  type Window,
} from './queries.js';

/**
 * {@link queryKeyStatsAndCoverage} with whole closed UTC days served from `rule_key_days`
 * (migration 0770): the report's one full read of its window. Days cached at a watermark no flow of
 * theirs arrived after are read from the cache; other whole closed days are computed from raw
 * `flows` once and stored; the partial days at both ends of the window and the open day are read
 * raw in the same query. Exactly the raw answer: sources merge as `uniqExact` states, and each
 * hour's first and last flow give its coverage slices (slices of an hour or more).
 * The reader fills the cache itself rather than a view, which every insert would pay.
 */
export async function queryKeyStatsCached(db: Db, w: Window, buckets: number): Promise<KeyStatsAndCoverage> {
  try {
    return await viaDayCache(db, w, buckets);
  } catch {
    // The cache is an optimization: a database user that may not write or read it (a read-only API
    // user on a server), or a schema without it, still gets the report, from raw flows.
    return queryKeyStatsAndCoverage(db, w, buckets);
  }
}

async function viaDayCache(db: Db, w: Window, buckets: number): Promise<KeyStatsAndCoverage> {
  const [watermark, rawTtlDays] = await Promise.all([arrivalWatermark(db), rawRetentionDays(db)]);
  const plan = cachePlan(w, buckets, timeMs(watermark), rawTtlDays);
  if (!plan) return queryKeyStatsAndCoverage(db, w, buckets);
  const [cached, arrivals] = await Promise.all([cachedDays(db, plan), dayArrivals(db, plan)]);
  const use = new Map<string, string>();
  const stale: string[] = [];
  for (const day of plan.days) {
    const c = cached.get(day);
    if (c && isValid(c, arrivals.get(day))) use.set(day, c.watermark);
    else stale.push(day);
  }
  for (const range of dayRanges(stale)) await fillDays(db, range, watermark);
  for (const day of stale) use.set(day, watermark);
  return readMerged(db, w, buckets, plan, use);
}

const str = z.string();
const num = z.coerce.number();

/** The database's clock less {@link ARRIVAL_LAG_MS}: `ingested_at` is stamped by that clock. */
async function arrivalWatermark(db: Db): Promise<string> {
  const [row] = await query(db.client, {
    sql: 'SELECT toString(now64(3) - toIntervalMillisecond({lag:UInt32})) AS wm',
    params: { lag: ARRIVAL_LAG_MS },
    row: z.object({ wm: str }),
  });
  return row!.wm;
}

/**
 * Raw retention in days as `flows` (its local table in cluster mode) is configured now: 0 keeps
 * flows forever, -1 a TTL this schema did not write (no cache then).
 */
async function rawRetentionDays(db: Db): Promise<number> {
  const rows = await query(db.client, {
    sql: "SELECT engine_full AS e FROM system.tables WHERE database = currentDatabase() AND name IN ('flows', 'flows_local')",
    row: z.object({ e: str }),
  });
  const days = rows.map((r) => ttlDaysOf(r.e));
  return days.includes(-1) ? -1 : Math.max(0, ...days);
}

const dayParams = (plan: CachePlan) => ({ a: plan.days[0], b: dayText(plan.to) });

/** Each day's newest computation in the cache (older ones stay until retention drops the day). */
async function cachedDays(db: Db, plan: CachePlan): Promise<Map<string, CachedDay>> {
  const rows = await query(db.client, {
    sql:
      'SELECT toString(day) AS d, toString(watermark) AS wm, sum(hits) AS n FROM rule_key_days FINAL ' +
      'WHERE day >= {a:Date} AND day < {b:Date} GROUP BY day, watermark',
    params: dayParams(plan),
    row: z.object({ d: str, wm: str, n: num }),
  });
  const out = new Map<string, CachedDay>();
  for (const r of rows) {
    const prev = out.get(r.d);
    if (!prev || r.wm > prev.watermark) out.set(r.d, { watermark: r.wm, hits: r.n });
  }
  return out;
}

/** Per day, its flows and newest arrival from the ingest-health rollup (migration 0720): hours, not flows. */
async function dayArrivals(db: Db, plan: CachePlan): Promise<Map<string, DayArrivals>> {
  const rows = await query(db.client, {
    sql:
      'SELECT toString(toDate(hour)) AS day, sum(rows) AS rows, toString(max(newest_arrival)) AS arrival ' +
      "FROM flow_log_hours WHERE hour >= {a:DateTime('UTC')} AND hour < {b:DateTime('UTC')} GROUP BY day",
    params: { a: chTime(plan.from).slice(0, 19), b: chTime(plan.to).slice(0, 19) },
    row: z.object({ day: str, rows: num, arrival: str }),
  });
  return new Map(rows.map((r) => [r.day, { rows: r.rows, newestArrival: r.arrival }]));
}

const KEY = 'nsg, acl_id, subscription_id, resource_group, rule_name, rule_kind, direction, action';
const RAW_KEY =
  'toString(nsg) AS nsg, toString(acl_id) AS acl_id, toString(subscription_id) AS subscription_id, ' +
  'toString(resource_group) AS resource_group, toString(rule_name) AS rule_name, toString(rule_kind) AS rule_kind, ' +
  'toString(direction) AS direction, toString(action) AS action';
const PUBLIC = 'NOT remote_is_public';

/**
 * One computation of a day from raw flows, stored at `watermark`: per hour first,
 * then per day (an hour's first and last flow for coverage). All of a day's rows are one block of
 * one insert, so the day becomes visible whole (partitioned and sharded by day).
 */
async function fillDays(db: Db, run: { from: number; to: number }, watermark: string): Promise<void> {
  const hourly =
    `SELECT toDate(time) AS day, ${RAW_KEY}, count() AS hits, uniqExactState(src_ip) AS sources, ` +
    `countIf(${PUBLIC}) AS internal_hits, uniqExactStateIf(src_ip, ${PUBLIC}) AS internal_sources, ` +
    'min(time) AS first, max(time) AS last, groupUniqArray(toString(format)) AS formats ' +
    `FROM flows WHERE ${rawTimeRange('from', 'to')} GROUP BY day, ${KEY}, toStartOfHour(time)`;
  await db.client.command({
    query:
      `INSERT INTO rule_key_days (day, watermark, ${KEY}, hits, sources, internal_hits, internal_sources, first, last, formats, hour_spans) ` +
      `SELECT day, {wm:DateTime64(3, 'UTC')}, ${KEY}, sum(hits), uniqExactMergeState(sources), sum(internal_hits), ` +
      'uniqExactMergeState(internal_sources), min(first), max(last), groupUniqArrayArray(formats), groupArray((first, last)) ' +
      `FROM (${hourly}) GROUP BY day, ${KEY}`,
    query_params: { from: chTime(run.from), to: chTime(run.to), wm: watermark },
  });
}

const BUCKET = (t: string) =>
  `toUInt32(intDiv(toUnixTimestamp64Milli(${t}) - {fromMs:Int64}, {slice:Int64}))`;

/** The cached days' chosen computations and the raw ends of the window, merged per rule group. */
async function readMerged(
  db: Db,
  w: Window,
  buckets: number,
  plan: CachePlan,
  use: Map<string, string>,
): Promise<KeyStatsAndCoverage> {
  const cachedPart =
    `SELECT ${KEY}, hits, sources, internal_hits, internal_sources, first, last, formats, ` +
    `arrayDistinct(arrayFlatten(arrayMap(s -> [${BUCKET('tupleElement(s, 1)')}, ${BUCKET('tupleElement(s, 2)')}], hour_spans))) AS buckets ` +
    'FROM rule_key_days FINAL WHERE day >= {a:Date} AND day < {b:Date} ' +
    "AND concat(toString(day), '|', toString(watermark)) IN {pairs:Array(String)}";
  const ends = rawEnds(w, plan);
  const rawPart = ends.length
    ? ` UNION ALL SELECT ${RAW_KEY}, count(), uniqExactState(src_ip), countIf(${PUBLIC}), ` +
      `uniqExactStateIf(src_ip, ${PUBLIC}), min(time), max(time), groupUniqArray(toString(format)), ` +
      `groupUniqArray(${BUCKET('time')}) FROM flows WHERE ${ends.join(' OR ')} GROUP BY ${KEY}`
    : '';
  const rows = await query(db.client, {
    sql:
      `SELECT ${KEY}, sum(hits) AS hits, uniqExactMerge(sources) AS sources, sum(internal_hits) AS internal_hits, ` +
      'uniqExactMerge(internal_sources) AS internal_sources, toString(min(first)) AS first, toString(max(last)) AS last, ' +
      'groupUniqArrayArray(formats) AS formats, groupUniqArrayArray(buckets) AS buckets ' +
      `FROM (${cachedPart}${rawPart}) GROUP BY ${KEY}`,
    params: {
      ...dayParams(plan),
      pairs: [...use].map(([day, wm]) => `${day}|${wm}`),
      fromMs: Date.parse(w.from),
      slice: sliceMs(w, buckets),
      from: chTime(w.from),
      to: chTime(w.to),
      cacheFrom: chTime(plan.from),
      cacheTo: chTime(plan.to),
    },
    row: KeyBucketsRowSchema,
  });
  return keysAndCoverage(rows, buckets);
}

/** The window's flows before the first cached day and from the end of the last one. */
function rawEnds(w: Window, plan: CachePlan): string[] {
  const ends: string[] = [];
  if (Date.parse(w.from) < plan.from) ends.push(`(${rawTimeRange('from', 'cacheFrom')})`);
  if (plan.to < Date.parse(w.to)) ends.push(`(${rawTimeRange('cacheTo', 'to')})`);
  return ends;
}
