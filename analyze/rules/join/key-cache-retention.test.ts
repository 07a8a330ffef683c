import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chTime } from '../../../core/clickhouse/time.js';
import { dbNowMs, openTestDb, rows, type TestDb } from '../../../test/harness/chdb.js';
import { queryKeyStatsCached } from './key-cache.js';
import { queryKeyStatsAndCoverage } from './queries.js';

/**
 * With a raw retention, the rule report's day cache (migration 0770) never answers for a day whose
 * flows may have begun to expire, and its rows computed for an old day (an import of old logs:
 * flows of long-past days stored now) do not expire before they are read. Own file: embedded chDB
 * opens one data directory per process, and this database has a 30-day raw retention.
 */
const DAY = 86_400_000;
const SLICES = 30;
let db: TestDb;
beforeAll(async () => {
  db = await openTestDb({ rawTtlDays: 30 });
});
afterAll(async () => db?.close());

describe('rule report day cache with a raw retention', () => {
  it('reads raw the days whose flows may have begun to expire, and caches the others', async () => {
    // Flows of 40 to 25 days ago, stored now, read over 17 days from an hour past midnight.
    // Days follow the database's clock (it stamps arrivals and the cache's watermark), not Node's,
    // which the CI run with the clock moved ahead moves alone.
    const now = await dbNowMs(db);
    const start = Math.floor(now / DAY) * DAY - 40 * DAY;
    const flows = Array.from({ length: 1500 }, (_, i) => ({
      time: chTime(start + i * 900_000),
      nsg: `nsg-${i % 3}`,
      rule_name: i % 4 ? 'AllowWeb' : 'DenyAll',
      action: i % 4 ? 'allow' : 'deny',
      direction: 'inbound',
      src_ip: i % 5 ? `10.0.2.${i % 50}` : `52.1.0.${i % 9}`,
      dst_ip: '10.0.1.4',
      remote_is_public: i % 5 === 0,
    }));
    await db.client.insert({ table: 'flows', values: flows, format: 'JSONEachRow' });
    const w = {
      from: new Date(start + 3_600_000).toISOString(),
      to: new Date(start + 17 * DAY).toISOString(),
    };
    const sorted = (r: Awaited<ReturnType<typeof queryKeyStatsCached>>) => ({
      stats: r.stats.map((s) => JSON.stringify(s)).sort(),
      coverage: r.coverage.map((c) => JSON.stringify(c)).sort(),
    });
    const raw = sorted(await queryKeyStatsAndCoverage(db, w, SLICES));
    expect(raw.stats.length).toBe(6);
    expect(sorted(await queryKeyStatsCached(db, w, SLICES))).toEqual(raw); // cold
    expect(sorted(await queryKeyStatsCached(db, w, SLICES))).toEqual(raw); // warm
    const days = await rows<{ d: string }>(
      db,
      'SELECT DISTINCT toString(day) AS d FROM rule_key_days ORDER BY d',
    );
    // 30 days of retention: the days that start at least 30 days before now (less 20 minutes) are
    // read raw, the days from 29 days ago on are cached.
    const horizon = Math.floor(now / DAY) * DAY - 29 * DAY;
    expect(days.length).toBeGreaterThan(0);
    expect(Date.parse(`${days[0]!.d}T00:00:00Z`)).toBeGreaterThanOrEqual(horizon);
    expect(Date.parse(`${days[0]!.d}T00:00:00Z`)).toBeLessThanOrEqual(horizon + DAY);
  });
});
