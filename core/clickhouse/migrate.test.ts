import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, rows } from '../../test/harness/chdb.js';
import { createTable, replicatedEngine } from './ddl.js';
import { appliedVersions, applyRetention, migrate, ttlDaysOf } from './migrate.js';
import {
  brokenLockName,
  MIGRATION_LOCK_TABLE,
  renameStaleLock,
  withMigrationLock,
} from './migration-lock.js';
import { MIGRATIONS } from './migrations/index.js';
import { DEFAULT_SCHEMA_OPTIONS } from './migrations/types.js';

async function waitUntil(ok: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  for (const start = performance.now(); !(await ok()); ) {
    if (performance.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('migrations on real chDB', () => {
  let db: Awaited<ReturnType<typeof openTestDb>>;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db.close());

  it('applies every migration once and records it', async () => {
    expect(await appliedVersions(db.client)).toEqual(MIGRATIONS.map((m) => m.version));
    const again = await migrate(db.client);
    expect(again.applied).toEqual([]);
  });

  const views = async () =>
    (
      await rows<{ name: string }>(
        db,
        "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine = 'MaterializedView' ORDER BY name",
      )
    ).map((r) => r.name);
  const last = MIGRATIONS.at(-1)!.version;
  const forgetLast = () =>
    db.client.command({
      query: `ALTER TABLE schema_migrations DELETE WHERE version = '${last}' SETTINGS mutations_sync = 2`,
    });
  const lockExists = async () =>
    Number(
      (
        await rows<{ n: number }>(
          db,
          `SELECT count() AS n FROM system.tables WHERE name = '${MIGRATION_LOCK_TABLE}'`,
        )
      )[0]?.n,
    ) === 1;
  /** Another process's lock, as migration-lock.ts makes it: the table named for its holder, and a heartbeat. */
  const holdLock = async (owner: string, heartbeat?: string | 'none') => {
    await db.client.command({
      query: `CREATE TABLE ${MIGRATION_LOCK_TABLE} (owner String, heartbeat DateTime64(3, 'UTC') DEFAULT now64(3)) ENGINE = MergeTree ORDER BY tuple() COMMENT '${owner}'`,
    });
    if (heartbeat === 'none') return;
    const row = heartbeat ? { owner, heartbeat } : { owner };
    await db.client.insert({ table: MIGRATION_LOCK_TABLE, values: [row], format: 'JSONEachRow' });
  };
  const lockHolder = async () =>
    (
      await rows<{ comment: string }>(
        db,
        `SELECT comment FROM system.tables WHERE database = currentDatabase() AND name = '${MIGRATION_LOCK_TABLE}'`,
      )
    )[0]?.comment;
  const beatsOf = async (owner: string) =>
    Number(
      (
        await rows<{ n: number }>(
          db,
          `SELECT count() AS n FROM ${MIGRATION_LOCK_TABLE} WHERE startsWith(owner, '${owner}#')`,
        ).catch(() => [])
      )[0]?.n ?? 0,
    );
  const fastLock = (owner: string) => ({ owner, pollMs: 20, heartbeatMs: 50, staleMs: 60_000 });

  it('lets one of several instances starting at once apply a migration; the others find it recorded', async () => {
    const before = await views();
    await forgetLast();
    // Three processes starting together (scale-out): one applies (and re-attaches the views), the
    // others wait their turn and change nothing — no second backfill, no re-attach under a writer.
    const runs = await Promise.all(
      ['a', 'b', 'c'].map((o) => migrate(db.client, undefined, undefined, { lock: fastLock(o) })),
    );
    expect(runs.map((r) => r.applied).sort()).toEqual([[], [], [last]]);
    expect(await views()).toEqual(before);
    const [n] = await rows<{ n: number }>(
      db,
      `SELECT count() AS n FROM schema_migrations WHERE version = '${last}'`,
    );
    expect(Number(n?.n)).toBe(1);
    expect(await lockExists()).toBe(false);
  });

  it('waits while another holds the migration lock, and takes it once the holder drops it', async () => {
    await forgetLast();
    await holdLock('other');
    let done = false;
    const run = migrate(db.client, undefined, undefined, { lock: fastLock('me') }).then((r) => {
      done = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    expect(await appliedVersions(db.client)).not.toContain(last);
    await db.client.command({ query: `DROP TABLE ${MIGRATION_LOCK_TABLE}` });
    expect((await run).applied).toEqual([last]);
    expect(await lockExists()).toBe(false);
  });

  it('breaks a lock whose holder stopped beating (killed mid-migration)', async () => {
    await forgetLast();
    await holdLock('killed', '2000-01-01 00:00:00.000');
    const r = await migrate(db.client, undefined, undefined, { lock: { ...fastLock('me'), staleMs: 1_000 } });
    expect(r.applied).toEqual([last]);
    expect(await lockExists()).toBe(false);
  });

  it('breaks a lock whose holder died before its first heartbeat', async () => {
    await forgetLast();
    await holdLock('killed-early', 'none');
    const r = await migrate(db.client, undefined, undefined, { lock: { ...fastLock('me'), staleMs: 200 } });
    expect(r.applied).toEqual([last]);
    expect(await lockExists()).toBe(false);
  });

  it('keeps the broken lock as a guard, so a second breaker of the same lock cannot break the new one', async () => {
    await forgetLast();
    const stale = 'killed-twice#1';
    await holdLock(stale, '2000-01-01 00:00:00.000');
    const r = await migrate(db.client, undefined, undefined, {
      lock: { ...fastLock('first'), staleMs: 60_000 },
    });
    expect(r.applied).toEqual([last]);
    // Another waiter had read that lock as stale before 'first' broke it; a new process holds the
    // lock by the time that waiter acts.
    await holdLock('new-holder');
    await renameStaleLock(db.client, stale, 'second');
    expect(await lockHolder()).toBe('new-holder');
    const [guard] = await rows<{ owner: string }>(
      db,
      `SELECT owner FROM ${brokenLockName(stale)} WHERE startsWith(owner, 'broken by') ORDER BY heartbeat`,
    );
    expect(guard?.owner).toBe('broken by first');
    await db.client.command({ query: `DROP TABLE ${MIGRATION_LOCK_TABLE}` });
  });

  it('breaks a lock again when its process took it once more after a break and died', async () => {
    await forgetLast();
    // A process's first lock, broken (its guard stays); it took the lock again (a new holder id,
    // as acquire() makes one per lock taken), then died.
    await holdLock('proc#1', '2000-01-01 00:00:00.000');
    await renameStaleLock(db.client, 'proc#1', 'someone');
    await holdLock('proc#2', '2000-01-01 00:00:00.000');
    const r = await migrate(db.client, undefined, undefined, { lock: { ...fastLock('me'), staleMs: 1_000 } });
    expect(r.applied).toEqual([last]);
    expect(await lockExists()).toBe(false);
  });

  it('drops broken locks once their guard is older than staleMs, and keeps younger ones', async () => {
    await forgetLast();
    const guard = async (holder: string, brokenAt: string) => {
      const name = brokenLockName(holder);
      await db.client.command({
        query: `CREATE TABLE ${name} (owner String, heartbeat DateTime64(3, 'UTC') DEFAULT now64(3)) ENGINE = MergeTree ORDER BY tuple()`,
      });
      await db.client.insert({
        table: name,
        values: [{ owner: 'broken by someone', ...(brokenAt ? { heartbeat: brokenAt } : {}) }],
        format: 'JSONEachRow',
      });
      return name;
    };
    const old = await guard('long-gone', '2000-01-01 00:00:00.000');
    const fresh = await guard('just-broken', '');
    await migrate(db.client, undefined, undefined, { lock: fastLock('sweeper') });
    const left = await rows<{ name: string }>(
      db,
      `SELECT name FROM system.tables WHERE database = currentDatabase() AND name IN ('${old}', '${fresh}')`,
    );
    expect(left.map((t) => t.name)).toEqual([fresh]);
    await db.client.command({ query: `DROP TABLE ${fresh}` });
  });

  it("a holder whose lock was broken neither beats into nor drops the new holder's lock", async () => {
    let resume = () => {};
    const working = new Promise<void>((r) => {
      resume = r;
    });
    const held = withMigrationLock(db.client, fastLock('slow'), () => working);
    // Held: the table and its first heartbeat (taken, not just created).
    await waitUntil(
      async () => (await lockHolder())?.startsWith('slow#') === true && (await beatsOf('slow')) > 0,
    );
    // Another process found 'slow' stale, broke its lock and took one of its own.
    await db.client.command({ query: `DROP TABLE ${MIGRATION_LOCK_TABLE}` });
    await holdLock('next');
    await new Promise((r) => setTimeout(r, 200)); // several of 'slow''s heartbeat periods
    resume();
    await held;
    expect(await lockHolder()).toBe('next');
    expect(await beatsOf('slow')).toBe(0);
    await db.client.command({ query: `DROP TABLE ${MIGRATION_LOCK_TABLE}` });
  });

  it('takes no lock and runs no DDL when nothing is pending', async () => {
    await holdLock('other');
    try {
      // A held lock does not delay a start that has nothing to apply.
      expect((await migrate(db.client, undefined, undefined, { lock: fastLock('me') })).applied).toEqual([]);
    } finally {
      await db.client.command({ query: `DROP TABLE ${MIGRATION_LOCK_TABLE}` });
    }
  });

  it('feeds the minute and hour rollups from flows', async () => {
    await db.client.insert({
      table: 'flows',
      format: 'JSONEachRow',
      values: [
        {
          time: '2024-08-19 18:00:01.000',
          dst_port: 22,
          direction: 'inbound',
          action: 'allow',
          bytes_sent: 10,
          nsg: 'a',
        },
        {
          time: '2024-08-19 18:00:30.000',
          dst_port: 22,
          direction: 'inbound',
          action: 'allow',
          bytes_sent: 5,
          nsg: 'a',
        },
      ],
    });
    const [m] = await rows<{ flows: number; b: number }>(
      db,
      'SELECT sum(flows) flows, sum(bytes_sent) b FROM flows_1m',
    );
    const [h] = await rows<{ flows: number; b: number }>(
      db,
      'SELECT sum(flows) flows, sum(bytes_sent) b FROM flows_1h',
    );
    expect(m).toEqual({ flows: 2, b: 15 });
    expect(h).toEqual({ flows: 2, b: 15 });
  });
});

describe('retention on real chDB', () => {
  let db: Awaited<ReturnType<typeof openTestDb>>;
  beforeAll(async () => {
    db = await openTestDb({ rawTtlDays: 30, minuteTtlDays: 90, hourTtlDays: 730 });
  });
  afterAll(async () => db.close());
  const engine = async (table: string) =>
    (
      await rows<{ e: string }>(db, 'SELECT engine_full AS e FROM system.tables WHERE name = {t:String}', {
        t: table,
      })
    )[0]!.e;

  it('alters only the tables whose TTL differs, and nothing when retention is unchanged', async () => {
    const same = { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 30, minuteTtlDays: 90, hourTtlDays: 730 };
    expect(await applyRetention(db.client, same)).toEqual([]);
    // The remote-address rollups follow raw retention (migrations 0700, 0760); so does the rule
    // report's day cache (0770), from the later of its day's end and its computation.
    expect(await applyRetention(db.client, { ...same, rawTtlDays: 7 })).toEqual([
      'flows',
      'flows_remote_1h',
      'flows_remote_1d',
      'rule_key_days',
    ]);
    expect(ttlDaysOf(await engine('flows'))).toBe(7);
    expect(ttlDaysOf(await engine('flows_remote_1h'))).toBe(7);
    expect(ttlDaysOf(await engine('flows_remote_1d'))).toBe(7);
    expect(await engine('rule_key_days')).toMatch(
      /TTL greatest\(.*toDateTime\(watermark\)\) \+ toIntervalDay\(7\)/,
    );
    expect(await applyRetention(db.client, { ...same, rawTtlDays: 7 })).toEqual([]);
  });

  it('removes a TTL for "keep forever" (0), and leaves a table without TTL alone', async () => {
    const forever = { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 90, hourTtlDays: 730 };
    // The peer rollup follows raw retention; the exfiltration look-back rollups keep the longer of
    // raw and hourly retention: forever too.
    expect(await applyRetention(db.client, forever)).toEqual([
      'flows',
      'flows_remote_1h',
      'flows_remote_1d',
      'rule_key_days',
      'flows_egress_1h',
      'flows_contact_1h',
      'flows_span_1h',
      'flows_internal_1h',
      'flows_internal_1d',
    ]);
    expect(await engine('flows')).not.toContain(' TTL ');
    expect(await engine('rule_key_days')).not.toContain(' TTL ');
    expect(await engine('flows_remote_1h')).not.toContain(' TTL ');
    expect(await engine('flows_remote_1d')).not.toContain(' TTL ');
    expect(await engine('flows_egress_1h')).not.toContain(' TTL ');
    expect(await applyRetention(db.client, forever)).toEqual([]);
  });

  it.each([
    ['MergeTree ORDER BY x TTL toDateTime(time) + toIntervalDay(30) SETTINGS a = 1', 30],
    ['MergeTree ORDER BY x TTL time + toIntervalDay(7)', 7],
    ['MergeTree ORDER BY x SETTINGS index_granularity = 8192', 0],
    ['MergeTree ORDER BY x TTL time + toIntervalMonth(1) SETTINGS a = 1', -1],
    [
      "SummingMergeTree ORDER BY x TTL greatest(time, toDateTime(stored_on, 'UTC') + toIntervalDay(1)) + toIntervalDay(90) SETTINGS a = 1",
      90,
    ],
  ])('ttlDaysOf(%s) = %d', (engineFull, days) => expect(ttlDaysOf(engineFull)).toBe(days));
});

describe('cluster DDL', () => {
  it('renders Replicated engines and Distributed tables ON CLUSTER', () => {
    const [local, dist] = createTable(
      { ...DEFAULT_SCHEMA_OPTIONS, cluster: 'prod' },
      { name: 't', columns: ['a UInt8'], engine: 'SummingMergeTree((a))', orderBy: 'a' },
    );
    expect(local).toContain('CREATE TABLE IF NOT EXISTS t_local ON CLUSTER prod');
    expect(local).toContain(
      `ReplicatedSummingMergeTree('/clickhouse/tables/{shard}/{database}/t_local', '{replica}', (a))`,
    );
    expect(dist).toContain('ENGINE = Distributed(prod, currentDatabase(), t_local, rand())');
    expect(replicatedEngine('MergeTree', 'x')).toBe(
      `ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/x', '{replica}')`,
    );
  });
});
