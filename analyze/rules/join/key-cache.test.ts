import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migration0770 } from '../../../core/clickhouse/migrations/0770_rule_key_days.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../../../core/clickhouse/migrations/types.js';
import { chTime } from '../../../core/clickhouse/time.js';
import { isPublicIpText } from '../../../core/net/ip.js';
import { dbNowMs, openTestDb, rows, selectedRows, type TestDb } from '../../../test/harness/chdb.js';
import {
  JIT_UNUSED,
  JIT_USED,
  JIT_VALID_FROM,
  nsgDefinitions,
  scenarioFlows,
  WINDOW,
} from '../../../test/scenario/rules-scenario.js';
import { buildRuleReport } from '../analysis/build.js';
import { defaultReportOptions } from '../analysis/options.js';
import type { RuleReport } from '../analysis/types.js';
import { parseNsgDocument } from '../inventory/parse.js';
import { writeSnapshots } from '../inventory/store.js';
import { createAddressContext } from '../model/context.js';
import { queryKeyStatsCached } from './key-cache.js';
import { cachePlan, dayRanges, isValid } from './key-cache-plan.js';
import { KEY_EXPR, keyString, queryKeyStatsAndCoverage, querySamples } from './queries.js';

/**
 * The rule report's day cache (migration 0770) changes what the report reads, never what it says:
 * built with a cold cache, a warm one and the raw-only path, the report is the same, also after
 * flows of a cached day arrive late. The rule scenario's estate (3 NSGs, an inventory with a JIT
 * rule added mid-window, allow and deny rules, internal and public sources) plus flows every
 * 2 minutes, moved to end a few days before the database's clock (whatever the year), read over a window that starts and ends mid-day.
 */
const DAY = 86_400_000;
/**
 * Data times follow the database's clock, not Node's: the database stamps `ingested_at` and the
 * cache's watermark (`now64()`), and the CI run with the clock moved ahead moves Node's clock only.
 * Set in `beforeAll` ({@link anchorToDatabaseClock}).
 */
let SHIFT = 0;
const shift = (iso: string) => new Date(Date.parse(iso) + SHIFT).toISOString();
let W = { from: '', to: '' };
/** Arrival an hour before the test: stored well before any watermark the cache sets (10 min back). */
let EARLY = '';

async function anchorToDatabaseClock(db: TestDb): Promise<void> {
  const now = await dbNowMs(db);
  SHIFT = Math.floor(now / DAY) * DAY - 34 * DAY - Date.parse(WINDOW.from);
  W = {
    from: shift(new Date(Date.parse(WINDOW.from) + 5 * 3_600_000 + 17 * 60_000).toISOString()),
    to: shift(new Date(Date.parse(WINDOW.to) + 3 * 3_600_000).toISOString()),
  };
  EARLY = chTime(now - 3_600_000);
}
const SLICES = 30;
const opts = (dayCache: boolean) =>
  defaultReportOptions({
    ctx: createAddressContext({ virtualNetwork: ['10.0.0.0/16'] }),
    now: () => new Date(W.to),
    dayCache,
  });

type Row = ReturnType<typeof scenarioFlows>[number] & { ingested_at?: string };

function estateFlows(): Row[] {
  const moved = scenarioFlows().map((r) => ({ ...r, time: chTime(shift(`${r.time.replace(' ', 'T')}Z`)) }));
  const base = moved[0]!;
  const spread: Row[] = [];
  for (let t = Date.parse(shift(WINDOW.from)); t < Date.parse(shift(WINDOW.to)) + DAY; t += 2 * 60_000 + 17) {
    const i = spread.length;
    const src = i % 3 ? `10.0.2.${i % 40}` : `52.${i % 7}.1.${i % 200}`;
    spread.push({
      ...base,
      time: chTime(t),
      src_ip: src,
      dst_ip: '10.0.1.4',
      remote_is_public: isPublicIpText(src),
    });
  }
  return [...moved, ...spread];
}

async function insert(db: TestDb, values: Row[]): Promise<void> {
  await db.client.insert({ table: 'flows', values, format: 'JSONEachRow' });
}

async function loadInventory(db: TestDb): Promise<void> {
  const { nsgs } = parseNsgDocument(nsgDefinitions(), 'scenario');
  const before = shift('2026-09-01T00:00:00.000Z');
  await writeSnapshots(db, nsgs, { validFrom: before, importedAt: before, origin: 'scenario' });
  const added: Record<string, unknown> = { 'web-nsg': JIT_USED, 'jump-nsg': JIT_UNUSED };
  const withJit = nsgDefinitions().map((n) => {
    const nsg = n as { name: string; securityRules: unknown[] };
    const rule = added[nsg.name];
    return rule ? { ...nsg, securityRules: [rule, ...nsg.securityRules] } : nsg;
  });
  const jit = parseNsgDocument(withJit, 'scenario-jit').nsgs;
  const at = shift(JIT_VALID_FROM);
  await writeSnapshots(db, jit, { validFrom: at, importedAt: at, origin: 'scenario-jit' });
}

const comparable = (r: RuleReport) => ({ ...r, generatedAt: '' });
const build = async (db: TestDb, dayCache: boolean) =>
  comparable(await buildRuleReport(db, W, opts(dayCache)));

/** Flows counted over the window's rule groups, by the cached or the raw path. */
const hits = async (f: typeof queryKeyStatsCached) =>
  (await f(db, W, SLICES)).stats.reduce((n, s) => n + s.hits, 0);

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
  await anchorToDatabaseClock(db);
  await loadInventory(db);
  // One insert per day, stored an hour ago, as a tailing ingest would have.
  const byDay = new Map<string, Row[]>();
  for (const r of estateFlows())
    byDay.set(r.time.slice(0, 10), [...(byDay.get(r.time.slice(0, 10)) ?? []), r]);
  for (const day of byDay.values())
    await insert(
      db,
      day.map((r) => ({ ...r, ingested_at: EARLY })),
    );
});
afterAll(async () => db?.close());

describe('rule report day cache (rule_key_days)', () => {
  it('gives the raw report with a cold cache, with a warm cache, and reads far fewer rows warm', async () => {
    const raw = await build(db, false);
    expect(raw.recommendations.length).toBeGreaterThan(3);
    expect(raw.insufficientData.length).toBeGreaterThan(0);
    expect(raw.coverage.some((c) => c.coverage > 0 && c.coverage < 1)).toBe(true);
    expect(await build(db, true)).toEqual(raw); // cold: fills the cache
    expect(await rows(db, 'SELECT count() AS n FROM rule_key_days')).not.toEqual([{ n: 0 }]);
    expect(await build(db, true)).toEqual(raw); // warm
    const rawRows = await selectedRows(db, () => queryKeyStatsAndCoverage(db, W, SLICES));
    const warmRows = await selectedRows(db, () => queryKeyStatsCached(db, W, SLICES));
    // Warm: the two partial days of flows plus the cache's rows, instead of 31 days of flows.
    expect(warmRows).toBeLessThan(rawRows / 4);
  });

  it('includes flows of a cached day that arrive after it was cached', async () => {
    const day = Date.parse(W.from) + 3 * DAY;
    const late = Array.from({ length: 25 }, (_, i) => ({
      ...estateFlows()[0]!,
      time: chTime(day - (day % DAY) + i * 3_300_000 + 1234),
      src_ip: `198.51.100.${100 + i}`,
      remote_is_public: false,
    }));
    await insert(db, late); // arrives now: after the day's watermark
    expect(await build(db, true)).toEqual(await build(db, false));
    // A day partly stored, cached, then completed (its newest arrival after the cached one).
    const more = late.map((r, i) => ({
      ...r,
      time: chTime(Date.parse(`${r.time.replace(' ', 'T')}Z`) + 600_000),
      src_ip: `203.0.113.${i}`,
    }));
    await insert(db, more.slice(0, 10));
    expect(await build(db, true)).toEqual(await build(db, false));
    const partlyHits = await hits(queryKeyStatsCached);
    await insert(db, more.slice(10));
    expect(await build(db, true)).toEqual(await build(db, false));
    expect(await hits(queryKeyStatsCached)).toBe(await hits(queryKeyStatsAndCoverage));
    expect(await hits(queryKeyStatsCached)).toBe(partlyHits + 15);
  });

  it('recomputes a cached day that gained flows stamped before its watermark (counts differ)', async () => {
    const day = Date.parse(W.from) + 6 * DAY;
    const backfill = Array.from({ length: 12 }, (_, i) => ({
      ...estateFlows()[0]!,
      time: chTime(day - (day % DAY) + i * 7_000_000),
      src_ip: `52.9.9.${i}`,
      remote_is_public: true,
      ingested_at: EARLY,
    }));
    await build(db, true);
    const before = await hits(queryKeyStatsAndCoverage);
    await insert(db, backfill);
    expect(await build(db, true)).toEqual(await build(db, false));
    expect(await hits(queryKeyStatsCached)).toBe(before + 12);
  });

  it('gives the raw report when the cache table cannot be used (a schema or user without it)', async () => {
    const raw = await build(db, false);
    await db.client.command({ query: 'RENAME TABLE rule_key_days TO rule_key_days_away' });
    try {
      expect(await build(db, true)).toEqual(raw);
      expect(await hits(queryKeyStatsCached)).toBe(await hits(queryKeyStatsAndCoverage));
    } finally {
      await db.client.command({ query: 'RENAME TABLE rule_key_days_away TO rule_key_days' });
    }
    expect(await build(db, true)).toEqual(raw);
  });
});

describe('querySamples (newest first in growing slices)', () => {
  it('gives the latest flows of one read of the whole window, per rule group and filter', async () => {
    const { stats } = await queryKeyStatsAndCoverage(db, W, SLICES);
    const keys = [...new Set(stats.map(keyString))];
    expect(keys.length).toBeGreaterThan(5);
    for (const key of keys)
      for (const where of ['1', 'NOT remote_is_public']) {
        const latest = await rows<{ t: string }>(
          db,
          `SELECT toString(time) AS t FROM flows WHERE time >= {from:DateTime64(3, 'UTC')} AND time < {to:DateTime64(3, 'UTC')} ` +
            `AND ${KEY_EXPR} = {key:String} AND ${where} ORDER BY time DESC LIMIT 5`,
          { from: chTime(W.from), to: chTime(W.to), key },
        );
        const got = await querySamples(db, W, [key], 5, where);
        expect(got.map((f) => f.time)).toEqual(
          latest.map((r) => new Date(`${r.t.replace(' ', 'T')}Z`).toISOString()),
        );
      }
  });
});

describe('cachePlan', () => {
  const day = (d: number) => new Date(Date.parse('2031-03-01T00:00:00Z') + d * DAY).toISOString();
  it('serves the whole days that closed before the watermark, and none for slices under an hour', () => {
    const w = { from: '2031-03-01T05:17:00.000Z', to: day(5) };
    expect(cachePlan(w, 30, Date.parse(day(10)))!.days).toEqual([
      '2031-03-02',
      '2031-03-03',
      '2031-03-04',
      '2031-03-05',
    ]);
    // The open day (the watermark's) and later are read raw.
    expect(cachePlan(w, 30, Date.parse(day(3)) + 3_600_000)!.days).toEqual(['2031-03-02', '2031-03-03']);
    expect(cachePlan(w, 30, Date.parse(day(1)))).toBeNull();
    expect(cachePlan({ from: day(0), to: day(1) }, 30, Date.parse(day(9)))).toBeNull(); // 48-minute slices
    expect(cachePlan({ from: day(0), to: day(1) }, 24, Date.parse(day(9)))!.days).toEqual(['2031-03-01']);
  });

  it('computes one day per insert', () => {
    expect(dayRanges(['2031-03-01', '2031-03-02', '2031-03-05'])).toEqual([
      { from: Date.parse(day(0)), to: Date.parse(day(1)) },
      { from: Date.parse(day(1)), to: Date.parse(day(2)) },
      { from: Date.parse(day(4)), to: Date.parse(day(5)) },
    ]);
  });
});

describe('isValid', () => {
  const cached = { watermark: '2031-03-02 00:10:00.000', hits: 40 };
  it('reuses a day only with its flow count and no arrival after its watermark', () => {
    expect(isValid(cached, { rows: 40, newestArrival: '2031-03-02 00:09:59.999' })).toBe(true);
    expect(isValid(cached, { rows: 40, newestArrival: '2031-03-02 00:10:00.000' })).toBe(true);
    // Same count, but a flow arrived after the computation (one removed, one stored): computed again.
    expect(isValid(cached, { rows: 40, newestArrival: '2031-03-02 00:10:00.001' })).toBe(false);
    expect(isValid(cached, { rows: 41, newestArrival: '2031-03-02 00:00:00.000' })).toBe(false);
    expect(isValid(undefined, { rows: 40, newestArrival: '2031-03-02 00:00:00.000' })).toBe(false);
    // No ingest-health rows for the day: valid only if the cache counted none either.
    expect(isValid(cached, undefined)).toBe(false);
    expect(isValid({ ...cached, hits: 0 }, undefined)).toBe(true);
  });
});

describe('migration 0770 in cluster mode', () => {
  it('creates a replicated local table sharded by day behind a Distributed table', () => {
    const sql = migration0770.up({ ...DEFAULT_SCHEMA_OPTIONS, cluster: 'prod' }).join('\n');
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS rule_key_days_local ON CLUSTER prod');
    expect(sql).toContain('ReplicatedReplacingMergeTree');
    expect(sql).toMatch(
      /CREATE TABLE IF NOT EXISTS rule_key_days ON CLUSTER prod AS rule_key_days_local\s+ENGINE = Distributed\(.*toYYYYMMDD\(day\)\)/,
    );
  });
});
