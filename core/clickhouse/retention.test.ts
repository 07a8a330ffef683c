import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, rows } from '../../test/harness/chdb.js';
import { applyRetention, migrate } from './migrate.js';
import { migration0001 } from './migrations/0001_flows.js';
import { migration0002 } from './migrations/0002_retention_from_arrival.js';
import { DEFAULT_SCHEMA_OPTIONS } from './migrations/types.js';

type TestDb = Awaited<ReturnType<typeof openTestDb>>;
const DEFAULTS = { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 30, minuteTtlDays: 90, hourTtlDays: 730 };

async function insertFlow(db: TestDb, time: string, token: string, ingestedAt?: string): Promise<void> {
  await db.client.insert({
    table: 'flows',
    format: 'JSONEachRow',
    values: [
      {
        time,
        ...(ingestedAt ? { ingested_at: ingestedAt } : {}),
        nsg: 'a',
        direction: 'inbound',
        action: 'allow',
        dst_port: 22,
        bytes_sent: 10,
      },
    ],
    clickhouse_settings: { insert_deduplication_token: token },
  });
}

async function mergeAll(db: TestDb): Promise<void> {
  for (const t of ['flows', 'flows_1m', 'flows_1h', 'flow_log_hours'])
    await db.client.command({ query: `OPTIMIZE TABLE ${t} FINAL` });
}

const sumFlows = async (db: TestDb, table: string) =>
  Number((await rows<{ n: number }>(db, `SELECT sum(flows) AS n FROM ${table}`))[0]!.n);
const count = async (db: TestDb, table: string) =>
  Number((await rows<{ n: number }>(db, `SELECT count() AS n FROM ${table}`))[0]!.n);

// Dates below are far in the past on purpose: the rule must hold whatever today is.
describe('retention counts from arrival (real chDB, default retention)', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb(DEFAULTS);
  });
  afterAll(async () => db.close());

  it('keeps an old flow that arrived now in flows and both rollups, after merges apply the TTL', async () => {
    await insertFlow(db, '2017-03-01 10:00:00.000', 'now-arrival');
    await mergeAll(db);
    expect(await count(db, 'flows')).toBe(1);
    expect(await sumFlows(db, 'flows_1m')).toBe(1);
    expect(await sumFlows(db, 'flows_1h')).toBe(1);
    const [h] = await rows<{ n: number }>(db, 'SELECT sum(rows) AS n FROM flow_log_hours');
    expect(Number(h!.n)).toBe(1);
    const [m] = await rows<{ lag: number }>(
      db,
      "SELECT dateDiff('day', min(stored_on), today()) AS lag FROM flows_1m",
    );
    expect(m!.lag).toBeLessThanOrEqual(1);
  });

  it('drops a flow whose flow time and arrival are both older than the retention', async () => {
    await insertFlow(db, '2017-04-01 10:00:00.000', 'old-arrival', '2017-04-01 10:05:00.000');
    await mergeAll(db);
    const kept = await rows<{ t: string }>(db, 'SELECT toString(time) AS t FROM flows');
    expect(kept.map((r) => r.t)).toEqual(['2017-03-01 10:00:00.000']);
    const health = await rows<{ h: string }>(db, 'SELECT toString(hour) AS h FROM flow_log_hours');
    expect(health.map((r) => r.h)).toEqual(['2017-03-01 10:00:00']);
  });

  it('retention is reconciled without touching the arrival rule, and nothing changes when it is the same', async () => {
    expect(await applyRetention(db.client, DEFAULTS)).toEqual([]);
    expect(await applyRetention(db.client, { ...DEFAULTS, minuteTtlDays: 7 })).toEqual(['flows_1m']);
    const [t] = await rows<{ e: string }>(
      db,
      "SELECT engine_full AS e FROM system.tables WHERE name = 'flows_1m'",
    );
    expect(t!.e).toMatch(
      /TTL greatest\(time, toDateTime\(stored_on, 'UTC'\) \+ toIntervalDay\(1\)\) \+ toIntervalDay\(7\)/,
    );
    // The ingest-health rollup (migration 0720) follows the hourly retention.
    expect(await applyRetention(db.client, { ...DEFAULTS, minuteTtlDays: 7, hourTtlDays: 400 })).toEqual([
      'flows_1h',
      'flows_egress_1h',
      'flows_contact_1h',
      'flows_span_1h',
      'flows_internal_1h',
      'flows_internal_1d',
      'flow_log_hours',
    ]);
    // The exfiltration look-back rollups (0710) keep the longer of raw and hourly retention.
    const [egress] = await rows<{ e: string }>(
      db,
      "SELECT engine_full AS e FROM system.tables WHERE name = 'flows_egress_1h'",
    );
    expect(egress!.e).toMatch(/\+ toIntervalDay\(400\)/);
  });
});

describe('migration 0002 on a database created before it', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb({ rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 });
  });
  afterAll(async () => db.close());

  it('adds the arrival day to existing rollups, keeps their rows, and switches the TTL to arrival', async () => {
    // Start over as a database that stopped at 0001, with the old flow-time TTL and some rows in it.
    await db.client.command({ query: 'DROP TABLE flows_1m_mv' });
    await db.client.command({ query: 'DROP TABLE flows_1h_mv' });
    await db.client.command({ query: 'DROP TABLE flows_remote_1h_mv' });
    await db.client.command({ query: 'DROP TABLE flows_remote_1d_mv' });
    for (const t of [
      'flows',
      'flows_1m',
      'flows_1h',
      'flows_remote_1d',
      'flows_remote_1h',
      'schema_migrations',
    ]) {
      await db.client.command({ query: `DROP TABLE ${t}` });
    }
    const legacy = { ...DEFAULTS };
    await migrate(db.client, legacy, [migration0001]);
    // Under the old rule a row survives only with a recent flow time: take it from the engine's clock.
    const [now] = await rows<{ t: string }>(db, 'SELECT toString(now64(3)) AS t');
    await insertFlow(db, now!.t, 'legacy');
    expect((await migrate(db.client, legacy, [migration0001, migration0002])).applied).toEqual(['0002']);
    const tables = await rows<{ name: string; e: string; k: string }>(
      db,
      "SELECT name, engine_full AS e, sorting_key AS k FROM system.tables WHERE name IN ('flows', 'flows_1m', 'flows_1h') ORDER BY name",
    );
    expect(tables[0]!.e).toContain(
      'TTL greatest(toDateTime(time), toDateTime(ingested_at)) + toIntervalDay(30)',
    );
    for (const t of tables.slice(1)) {
      expect(t.k).toMatch(/, stored_on$/);
      expect(t.e).toContain("greatest(time, toDateTime(stored_on, 'UTC') + toIntervalDay(1))");
    }
    // The legacy rollup row is still there; a new insert carries its arrival day through both views.
    await insertFlow(db, '2019-06-01 10:00:30.000', 'after');
    expect(await sumFlows(db, 'flows_1m')).toBe(2);
    expect(await sumFlows(db, 'flows_1h')).toBe(2);
    const days = await rows<{ d: string }>(
      db,
      'SELECT DISTINCT toString(stored_on) AS d FROM flows_1h ORDER BY d',
    );
    expect(days.map((r) => r.d)).toEqual([
      '1970-01-01',
      (await rows<{ d: string }>(db, 'SELECT toString(today()) AS d'))[0]!.d,
    ]);
    // Only the read rollups (0710, 0720) and the rule report's day cache (0770), left from this
    // suite's schema without retention, change.
    expect(await applyRetention(db.client, legacy)).toEqual([
      'rule_key_days',
      'flows_egress_1h',
      'flows_contact_1h',
      'flows_span_1h',
      'flows_internal_1h',
      'flows_internal_1d',
      'flow_log_hours',
    ]);
  });
});

describe('migration 0002 in cluster mode', () => {
  it('alters the local tables and the Distributed ones ON CLUSTER, and the views read the local tables', () => {
    const sql = migration0002.up({ ...DEFAULTS, cluster: 'prod' }).join('\n');
    expect(sql).toContain(
      'ALTER TABLE flows_1m_local ON CLUSTER prod ADD COLUMN IF NOT EXISTS stored_on Date, MODIFY ORDER BY',
    );
    expect(sql).toContain('ALTER TABLE flows_1h ON CLUSTER prod ADD COLUMN IF NOT EXISTS stored_on Date');
    expect(sql).toMatch(/ALTER TABLE flows_1m_mv ON CLUSTER prod MODIFY QUERY .* FROM flows_local GROUP BY/);
    expect(sql).toMatch(
      /ALTER TABLE flows_1h_mv ON CLUSTER prod MODIFY QUERY .* FROM flows_1m_local GROUP BY/,
    );
    expect(sql).toContain(
      'ALTER TABLE flows_local ON CLUSTER prod MODIFY TTL greatest(toDateTime(time), toDateTime(ingested_at)) + INTERVAL 30 DAY',
    );
    expect(migration0002.up({ ...DEFAULTS, rawTtlDays: 0 }).join('\n')).not.toContain(
      'ALTER TABLE flows MODIFY TTL',
    );
  });
});
