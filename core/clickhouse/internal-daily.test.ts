import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFlows } from '../../test/harness/api-seed.js';
import { openTestDb, rows, type TestDb } from '../../test/harness/chdb.js';
import { migrate } from './migrate.js';
import { migration0730 } from './migrations/0730_internal_pairs_rollup.js';
import { migration0740 } from './migrations/0740_internal_pairs_daily.js';
import { migration0780 } from './migrations/0780_internal_pairs_per_day.js';
import { MIGRATIONS } from './migrations/index.js';
import { DEFAULT_SCHEMA_OPTIONS } from './migrations/types.js';

const flow = (time: string, src: string, port: number, bytes: number) => ({
  time,
  nsg: 'nsg-app',
  rule: 'UserRule_AllowVnet',
  src_ip: src,
  dst_ip: '10.0.1.4',
  dst_port: port,
  direction: 'inbound' as const,
  action: 'allow' as const,
  bytes_sent: bytes,
});

/** Flows, bytes and the first/last instants per day and pair, as each table holds them. */
const perDay = (db: TestDb, table: string) =>
  rows<{ day: string; src: string; port: number; flows: string; bytes: string; first: string; last: string }>(
    db,
    `SELECT toString(toDate(time)) AS day, IPv6NumToString(src_ip) AS src, dst_port AS port, sum(flows) AS flows, ` +
      `sum(bytes) AS bytes, toString(min(first_seen)) AS first, toString(max(last_seen)) AS last FROM ${table} ` +
      'GROUP BY day, src, port ORDER BY day, src, port',
  );

describe('migration 0780 (flows_internal_1d) on a database that already holds flows', () => {
  let db: TestDb;
  const opts = { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 };
  beforeAll(async () => {
    db = await openTestDb();
    // Back to a database that stopped before 0780, with internal flows in the hourly rollup already.
    for (const t of ['flows_internal_1d_mv', 'flows_internal_1d'])
      await db.client.command({ query: `DROP TABLE ${t}` });
    await db.client.command({
      query: "ALTER TABLE schema_migrations DELETE WHERE version = '0780' SETTINGS mutations_sync = 2",
    });
    await seedFlows(db, [
      flow('2026-03-01 10:05:00.000', '10.0.0.7', 22, 100),
      flow('2026-03-01 17:55:00.000', '10.0.0.7', 22, 50),
      flow('2026-03-02 00:01:00.000', '10.0.0.7', 22, 7),
      flow('2026-03-01 11:00:00.000', '10.0.0.8', 3389, 9),
      flow('2026-03-01 12:00:00.000', '198.51.100.9', 22, 1), // public peer, not web: in neither table
    ]);
  });
  afterAll(async () => db.close());

  it('sums the hourly rows per day once, keeping the flows’ own first and last instants', async () => {
    expect((await migrate(db.client, opts)).applied).toEqual(['0780']);
    const daily = await perDay(db, 'flows_internal_1d');
    expect(daily).toEqual(await perDay(db, 'flows_internal_1h'));
    expect(daily.map((r) => [r.day, r.src, Number(r.flows), Number(r.bytes), r.first, r.last])).toEqual([
      ['2026-03-01', '::ffff:10.0.0.7', 2, 150, '2026-03-01 10:05:00.000', '2026-03-01 17:55:00.000'],
      ['2026-03-01', '::ffff:10.0.0.8', 1, 9, '2026-03-01 11:00:00.000', '2026-03-01 11:00:00.000'],
      ['2026-03-02', '::ffff:10.0.0.7', 1, 7, '2026-03-02 00:01:00.000', '2026-03-02 00:01:00.000'],
    ]);
    const [rowsPerDay] = await rows<{ n: string }>(db, 'SELECT count() AS n FROM flows_internal_1d FINAL');
    expect(Number(rowsPerDay?.n)).toBe(3);
  });

  it('then follows the hourly rollup’s inserts, and running its statements again adds nothing', async () => {
    await seedFlows(db, [flow('2026-03-01 23:59:59.000', '10.0.0.8', 3389, 1)], 10);
    expect((await migrate(db.client, opts, MIGRATIONS)).applied).toEqual([]);
    // A second instance that started before the first recorded 0780 runs its statements again.
    for (const statement of migration0780.up(opts)) await db.client.command({ query: statement });
    const daily = await perDay(db, 'flows_internal_1d');
    expect(daily).toEqual(await perDay(db, 'flows_internal_1h'));
    const added = daily.find((r) => r.src === '::ffff:10.0.0.8');
    expect([Number(added?.flows), Number(added?.bytes), added?.last]).toEqual([
      2,
      10,
      '2026-03-01 23:59:59.000',
    ]);
  });
});

describe('migrations 0730 and 0740 run again after 0780', () => {
  it('rebuild the hourly table and its daily sums once, not a second time through the chained view', async () => {
    const db = await openTestDb();
    try {
      const opts = { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 };
      await seedFlows(db, [
        flow('2026-03-01 10:05:00.000', '10.0.0.7', 22, 100),
        flow('2026-03-02 11:00:00.000', '10.0.0.8', 3389, 9),
      ]);
      for (const m of [migration0730, migration0740])
        for (const statement of m.up(opts)) await db.client.command({ query: statement });
      await seedFlows(db, [flow('2026-03-02 12:00:00.000', '10.0.0.8', 3389, 1)], 10);
      const daily = await perDay(db, 'flows_internal_1d');
      expect(daily).toEqual(await perDay(db, 'flows_internal_1h'));
      expect(daily.map((r) => Number(r.flows))).toEqual([1, 2]);
    } finally {
      await db.close();
    }
  });
});

describe('migration 0780 DDL', () => {
  it('single node: daily partitions, view chained on the hourly table, backfill from it once, look-back TTL', () => {
    const [table, view, backfill] = migration0780.up({
      ...DEFAULT_SCHEMA_OPTIONS,
      rawTtlDays: 30,
      hourTtlDays: 90,
    });
    expect(table).toMatch(/^CREATE TABLE IF NOT EXISTS flows_internal_1d\n/);
    expect(table).toContain('PARTITION BY toYYYYMMDD(time)');
    expect(table).toContain(
      "TTL greatest(time, toDateTime(stored_on, 'UTC') + INTERVAL 1 DAY) + INTERVAL 90 DAY DELETE",
    );
    expect(view).toMatch(
      /^CREATE MATERIALIZED VIEW IF NOT EXISTS flows_internal_1d_mv TO flows_internal_1d\nAS SELECT/,
    );
    expect(view).toContain('FROM flows_internal_1h GROUP BY');
    expect(backfill).toMatch(
      /^INSERT INTO flows_internal_1d SELECT .* FROM flows_internal_1h WHERE \(SELECT count\(\) FROM schema_migrations WHERE version = '0780'\) = 0 GROUP BY/,
    );
  });

  it('cluster: the view reads the local hourly table, the backfill goes through the Distributed table', () => {
    const sql = migration0780.up({ ...DEFAULT_SCHEMA_OPTIONS, cluster: 'prod' });
    expect(sql[0]).toContain('CREATE TABLE IF NOT EXISTS flows_internal_1d_local ON CLUSTER prod');
    expect(sql[2]).toContain('ON CLUSTER prod TO flows_internal_1d_local');
    expect(sql[2]).toContain('FROM flows_internal_1h_local ');
    expect(sql[3]).toMatch(/^INSERT INTO flows_internal_1d SELECT .* FROM flows_internal_1h WHERE/);
  });
});
