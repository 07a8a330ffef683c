import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFlows } from '../../test/harness/api-seed.js';
import { openTestDb, rows, type TestDb } from '../../test/harness/chdb.js';
import { migrate } from './migrate.js';
import { migration0700 } from './migrations/0700_flows_remote.js';
import { migration0760 } from './migrations/0760_flows_remote_daily.js';
import { MIGRATIONS } from './migrations/index.js';
import { DEFAULT_SCHEMA_OPTIONS } from './migrations/types.js';

const flow = (time: string, remote: string, bytes: number) => ({
  time,
  nsg: 'nsg-web',
  rule: 'UserRule_AllowWeb',
  src_ip: remote,
  dst_ip: '10.0.0.4',
  dst_port: 443,
  direction: 'inbound' as const,
  action: 'allow' as const,
  bytes_sent: bytes,
});

const totals = async (db: TestDb, table = 'flows_remote_1h') =>
  (
    await rows<{ rows: number; flows: number; bytes: number }>(
      db,
      `SELECT count() AS rows, sum(flows) AS flows, sum(bytes_sent) AS bytes FROM ${table} FINAL`,
    )
  ).map((r) => ({ rows: Number(r.rows), flows: Number(r.flows), bytes: Number(r.bytes) }))[0];

describe('migrations 0700 (flows_remote_1h) and 0760 (flows_remote_1d) on a database that already holds flows', () => {
  let db: TestDb;
  const opts = { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 };
  beforeAll(async () => {
    db = await openTestDb();
    // Back to a database that stopped before 0700, with flows stored under the older schema.
    for (const t of ['flows_remote_1d_mv', 'flows_remote_1d', 'flows_remote_1h_mv', 'flows_remote_1h'])
      await db.client.command({ query: `DROP TABLE ${t}` });
    await db.client.command({
      query:
        "ALTER TABLE schema_migrations DELETE WHERE version IN ('0700', '0760') SETTINGS mutations_sync = 2",
    });
    await seedFlows(db, [
      flow('2026-03-01 10:05:00.000', '198.51.100.7', 100),
      flow('2026-03-01 10:55:00.000', '198.51.100.7', 50),
      flow('2026-03-01 11:01:00.000', '198.51.100.7', 7),
    ]);
  });
  afterAll(async () => db.close());

  it('sums the stored flows in once, per hour and peer', async () => {
    expect((await migrate(db.client, opts)).applied).toEqual(['0700', '0760']);
    expect(await totals(db)).toEqual({ rows: 2, flows: 3, bytes: 157 });
    // The daily rollup is backfilled from raw flows once, not again through the hourly one's backfill.
    expect(await totals(db, 'flows_remote_1d')).toEqual({ rows: 1, flows: 3, bytes: 157 });
    const byHour = await rows<{ h: string; flows: number }>(
      db,
      'SELECT toString(time) AS h, sum(flows) AS flows FROM flows_remote_1h GROUP BY h ORDER BY h',
    );
    expect(byHour.map((r) => [r.h, Number(r.flows)])).toEqual([
      ['2026-03-01 10:00:00', 2],
      ['2026-03-01 11:00:00', 1],
    ]);
  });

  it('then follows inserts through the view, and a second migrate adds nothing', async () => {
    await seedFlows(db, [flow('2026-03-01 11:30:00.000', '2001:db8::9', 3)], 10);
    expect((await migrate(db.client, opts, MIGRATIONS)).applied).toEqual([]);
    expect(await totals(db)).toEqual({ rows: 3, flows: 4, bytes: 160 });
    // The daily rollup follows the hourly one's inserts (a view chained on flows_remote_1h).
    expect(await totals(db, 'flows_remote_1d')).toEqual({ rows: 2, flows: 4, bytes: 160 });
    // A second instance that started before the first recorded 0700 runs its statements again.
    for (const statement of [...migration0700.up(opts), ...migration0760.up(opts)])
      await db.client.command({ query: statement });
    expect(await totals(db)).toEqual({ rows: 3, flows: 4, bytes: 160 });
    expect(await totals(db, 'flows_remote_1d')).toEqual({ rows: 2, flows: 4, bytes: 160 });
    const [peer] = await rows<{ ip: string; dir: string; port: number }>(
      db,
      "SELECT IPv6NumToString(remote_ip) AS ip, toString(direction) AS dir, dst_port AS port FROM flows_remote_1h WHERE time = '2026-03-01 11:00:00' AND bytes_sent = 3",
    );
    expect(peer).toEqual({ ip: '2001:db8::9', dir: 'inbound', port: 443 });
  });
});

describe('migration 0700 DDL', () => {
  it('single node: table, view from flows, backfill up to the view creation, TTL from arrival on raw retention', () => {
    const [table, view, backfill] = migration0700.up({ ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 30 });
    expect(table).toMatch(/^CREATE TABLE IF NOT EXISTS flows_remote_1h\n/);
    expect(table).toContain(
      "TTL greatest(time, toDateTime(stored_on, 'UTC') + INTERVAL 1 DAY) + INTERVAL 30 DAY DELETE",
    );
    expect(view).toMatch(
      /^CREATE MATERIALIZED VIEW IF NOT EXISTS flows_remote_1h_mv TO flows_remote_1h\nAS SELECT/,
    );
    expect(backfill).toMatch(
      /^INSERT INTO flows_remote_1h SELECT .* FROM flows WHERE ingested_at < now64\(3\) AND \(SELECT count\(\) FROM schema_migrations WHERE version = '0700'\) = 0 GROUP BY/,
    );
  });

  it('cluster: replicated local table, Distributed table, view between local tables, backfill through Distributed', () => {
    const sql = migration0700.up({ ...DEFAULT_SCHEMA_OPTIONS, cluster: 'prod' });
    expect(sql[0]).toContain('CREATE TABLE IF NOT EXISTS flows_remote_1h_local ON CLUSTER prod');
    expect(sql[0]).toContain(
      "ReplicatedSummingMergeTree('/clickhouse/tables/{shard}/{database}/flows_remote_1h_local'",
    );
    expect(sql[1]).toContain(
      'Distributed(prod, currentDatabase(), flows_remote_1h_local, cityHash64(remote_ip))',
    );
    expect(sql[2]).toContain('ON CLUSTER prod TO flows_remote_1h_local');
    expect(sql[2]).toContain('FROM flows_local ');
    expect(sql[3]).toMatch(/^INSERT INTO flows_remote_1h SELECT .* FROM flows WHERE/);
  });
});

describe('migration 0760 DDL', () => {
  it('single node: daily table, view chained on the hourly rollup, backfill from raw flows, TTL on raw retention', () => {
    const [table, view, backfill] = migration0760.up({ ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 30 });
    expect(table).toMatch(/^CREATE TABLE IF NOT EXISTS flows_remote_1d\n/);
    expect(table).toContain('PARTITION BY toYYYYMMDD(time)');
    expect(table).toContain(
      "TTL greatest(time, toDateTime(stored_on, 'UTC') + INTERVAL 1 DAY) + INTERVAL 30 DAY DELETE",
    );
    expect(view).toMatch(
      /^CREATE MATERIALIZED VIEW IF NOT EXISTS flows_remote_1d_mv TO flows_remote_1d\nAS SELECT/,
    );
    expect(view).toContain('sum(flows) AS flows');
    expect(view).toContain('FROM flows_remote_1h GROUP BY');
    expect(backfill).toMatch(
      /^INSERT INTO flows_remote_1d SELECT .*count\(\) AS flows.* FROM flows WHERE ingested_at < now64\(3\) AND \(SELECT count\(\) FROM schema_migrations WHERE version = '0760'\) = 0 GROUP BY/,
    );
  });

  it('cluster: the view reads the local hourly table, the backfill goes through the Distributed table', () => {
    const sql = migration0760.up({ ...DEFAULT_SCHEMA_OPTIONS, cluster: 'prod' });
    expect(sql[0]).toContain('CREATE TABLE IF NOT EXISTS flows_remote_1d_local ON CLUSTER prod');
    expect(sql[1]).toContain(
      'Distributed(prod, currentDatabase(), flows_remote_1d_local, cityHash64(remote_ip))',
    );
    expect(sql[2]).toContain('ON CLUSTER prod TO flows_remote_1d_local');
    expect(sql[2]).toContain('FROM flows_remote_1h_local ');
    expect(sql[3]).toMatch(/^INSERT INTO flows_remote_1d SELECT .* FROM flows WHERE/);
  });
});
