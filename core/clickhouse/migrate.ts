import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { onCluster, storageName } from './ddl.js';
import { defaultLockOptions, type MigrationLockOptions, withMigrationLock } from './migration-lock.js';
import {
  ARRIVAL_COLUMN,
  type ARRIVAL_TTL,
  modifyTtl,
  retentionDays,
} from './migrations/0002_retention_from_arrival.js';
import { lookBackDays } from './migrations/0710_analyzer_rollups.js';
import { MIGRATIONS } from './migrations/index.js';
import { DEFAULT_SCHEMA_OPTIONS, type Migration, type SchemaOptions } from './migrations/types.js';
import { query } from './query.js';

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export interface MigrateOptions {
  /**
   * Hold the cross-process migration lock (migration-lock.ts) while applying, or `false` where no
   * other process can reach the database (embedded chDB: one process per data directory), so a
   * process killed mid-migration leaves nothing for the next start to wait out.
   */
  lock?: Partial<MigrationLockOptions> | false;
}

/**
 * Applies pending migrations in order and records each in `schema_migrations`. Processes starting
 * together take turns through the migration lock: the first applies them, the others find them
 * recorded when their turn comes and change nothing (no backfill twice, no view re-attach while the
 * first is already inserting). A start with nothing pending takes no lock and runs no DDL. Every
 * statement is still `IF NOT EXISTS`, so a run that died half-way is completed by the next.
 */
export async function migrate(
  client: ClickHouseClient,
  opts: SchemaOptions = DEFAULT_SCHEMA_OPTIONS,
  migrations: readonly Migration[] = MIGRATIONS,
  how: MigrateOptions = {},
): Promise<MigrationResult> {
  assertOrdered(migrations);
  await client.command({
    query:
      `CREATE TABLE IF NOT EXISTS schema_migrations${onCluster(opts)} ` +
      `(version String, name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)) ` +
      `ENGINE = ${opts.cluster ? `ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/schema_migrations', '{replica}')` : 'ReplacingMergeTree'} ORDER BY version`,
  });
  const done = new Set(await appliedVersions(client));
  if (migrations.every((m) => done.has(m.version))) {
    return { applied: [], alreadyApplied: migrations.map((m) => m.version) };
  }
  const apply = () => applyPending(client, opts, migrations);
  if (how.lock === false) return apply();
  return withMigrationLock(client, { ...defaultLockOptions(), ...how.lock }, apply);
}

/** Applies what `schema_migrations` (read again: another process may have applied it meanwhile) lacks. */
async function applyPending(
  client: ClickHouseClient,
  opts: SchemaOptions,
  migrations: readonly Migration[],
): Promise<MigrationResult> {
  const done = new Set(await appliedVersions(client));
  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  for (const m of migrations) {
    if (done.has(m.version)) {
      result.alreadyApplied.push(m.version);
      continue;
    }
    for (const statement of m.up(opts)) await client.command({ query: statement });
    await client.insert({
      table: 'schema_migrations',
      values: [{ version: m.version, name: m.name }],
      format: 'JSONEachRow',
    });
    result.applied.push(m.version);
  }
  if (result.applied.length) await reattachViews(client, opts);
  return result;
}

/**
 * Detaches and attaches again every materialized view after migrations ran in this process. Measured
 * on chdb 3.4.0 (ClickHouse 26.7): a view's insert into its target table gets other deduplication
 * block ids in the process that created the view than in any process that attached it from its
 * metadata. A range stored just before a restart and replayed after it (same token) was then
 * dropped in `flows` but counted again in `flows_1m`/`flows_1h`. Re-attached, the ids are the ones
 * every later process computes. Runs only right after DDL, so normally before any insert; views
 * added by later migrations are covered without naming them.
 */
async function reattachViews(client: ClickHouseClient, opts: SchemaOptions): Promise<void> {
  const views = await query(client, {
    name: 'materialized views',
    sql: "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine = 'MaterializedView' ORDER BY name",
    row: z.object({ name: z.string() }),
  });
  for (const { name } of views) {
    // IF [NOT] EXISTS: a repeated run must not fail on a view another already re-attached. A process
    // killed between the two statements leaves that view detached (chDB cannot list detached tables):
    // `ATTACH TABLE <view>` by hand brings it back (docs/operations.md "Upgrading").
    await client.command({ query: `DETACH TABLE IF EXISTS ${name}${onCluster(opts)}` });
    await client.command({ query: `ATTACH TABLE IF NOT EXISTS ${name}${onCluster(opts)}` });
  }
}

export async function appliedVersions(client: ClickHouseClient): Promise<string[]> {
  const rows = await query(client, {
    sql: 'SELECT DISTINCT version FROM schema_migrations ORDER BY version',
    row: z.object({ version: z.string() }),
  });
  return rows.map((r) => r.version);
}

/**
 * Brings table TTLs in line with the configured retention. Retention is configuration, not schema,
 * so it is reconciled at every start rather than frozen into an immutable migration; only tables
 * whose TTL differs are altered (an ALTER per table per start would be DDL churn, ON CLUSTER in
 * cluster mode). A TTL that does not count from arrival (migration 0002) is replaced too.
 */
export async function applyRetention(client: ClickHouseClient, opts: SchemaOptions): Promise<string[]> {
  const targets = retainedTables(opts);
  const current = await currentTtls(
    client,
    targets.map(([table]) => storageName(opts, table)),
  );
  const altered: string[] = [];
  for (const [table, days] of targets) {
    const name = storageName(opts, table);
    const want = days > 0 ? Math.floor(days) : 0;
    const ttl = current.get(name);
    // A table a partial migration list did not create has no retention to keep.
    if (!ttl || (ttl.days === want && (want === 0 || ttl.fromArrival))) continue;
    // MODIFY TTL would rewrite parts; materialize lazily (parts drop whole with ttl_only_drop_parts).
    await client.command({
      query: want > 0 ? modifyTtl(opts, table, want) : `ALTER TABLE ${name}${onCluster(opts)} REMOVE TTL`,
    });
    altered.push(name);
  }
  return altered;
}

/**
 * Every table with a retention: migration 0002's three; the peer rollups (0700 hourly, 0760 daily),
 * kept as the raw rows they summarize; the analyzers' look-back rollups (0710 exfiltration, 0730 lateral movement and its daily sums, 0780), kept
 * as long as the longer of raw and hourly retention (forever when either is); the ingest
 * health rollup (0720), kept as the hourly rollups; the rule report's day cache (0770), kept as the
 * raw flows it summarizes.
 */
function retainedTables(opts: SchemaOptions): [keyof typeof ARRIVAL_TTL, number][] {
  const lookBack = lookBackDays(opts);
  return [
    ...retentionDays(opts),
    ['flows_remote_1h', opts.rawTtlDays],
    ['flows_remote_1d', opts.rawTtlDays],
    ['rule_key_days', opts.rawTtlDays],
    ['flows_egress_1h', lookBack],
    ['flows_contact_1h', lookBack],
    ['flows_span_1h', lookBack],
    ['flows_internal_1h', lookBack],
    ['flows_internal_1d', lookBack],
    ['flow_log_hours', opts.hourTtlDays],
  ];
}

interface TableTtl {
  days: number;
  fromArrival: boolean;
}

/** TTL per table as the engine reports it (`… TTL x + toIntervalDay(30) …`); days 0 = no TTL. */
async function currentTtls(client: ClickHouseClient, tables: string[]): Promise<Map<string, TableTtl>> {
  const rows = await query(client, {
    sql: 'SELECT name, engine_full FROM system.tables WHERE database = currentDatabase() AND name IN {tables:Array(String)}',
    params: { tables },
    row: z.object({ name: z.string(), engine_full: z.string() }),
  });
  const out = new Map<string, TableTtl>();
  for (const row of rows) {
    const column = ARRIVAL_COLUMN[row.name.replace(/_local$/, '') as keyof typeof ARRIVAL_COLUMN];
    out.set(row.name, {
      days: ttlDaysOf(row.engine_full),
      fromArrival: ttlExpression(row.engine_full).includes(column),
    });
  }
  return out;
}

function ttlExpression(engineFull: string): string {
  return / TTL (.*?)(?: SETTINGS |$)/.exec(engineFull)?.[1] ?? '';
}

/** Days of the retention interval: the last `toIntervalDay(n)` (the arrival-day rule adds one day inside). */
export function ttlDaysOf(engineFull: string): number {
  const ttl = ttlExpression(engineFull);
  if (!ttl) return 0;
  const days = /\+ toIntervalDay\((\d+)\)(?: DELETE)?$/.exec(ttl)?.[1];
  return days === undefined ? -1 : Number(days); // -1: a TTL we did not write; replace it
}

function assertOrdered(migrations: readonly Migration[]): void {
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i - 1]!.version >= migrations[i]!.version) {
      throw new Error(`migrations out of order at ${migrations[i]!.version}`);
    }
  }
}
