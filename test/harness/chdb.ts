import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, openDb } from '../../core/clickhouse/client.js';
import { migrate } from '../../core/clickhouse/migrate.js';
import { DEFAULT_SCHEMA_OPTIONS, type SchemaOptions } from '../../core/clickhouse/migrations/types.js';
import { type ClickHouseDouble, spawnClickHouseDouble } from './clickhouse-server/process.js';

/**
 * Which database the suites run against: `FLOWLENS_TEST_DB=server` gives each test file the
 * ClickHouse HTTP test double (clickhouse-server/, chDB in its own process behind ClickHouse's HTTP
 * interface) and the product's server mode (`clickhouse.url`); anything else, embedded chDB.
 * `npm test` runs the database suites once in each mode (test/run.mjs).
 */
export function testDbMode(): 'embedded' | 'server' {
  return process.env.FLOWLENS_TEST_DB === 'server' ? 'server' : 'embedded';
}

export type TestDb = Db & {
  /** A scratch directory of this test file's, removed on close. */
  dir: string;
  /** The test double behind a server-mode database (fault switches); undefined when embedded. */
  server?: ClickHouseDouble;
};

/**
 * A real ClickHouse engine with a fresh, migrated database: embedded chDB in a temp directory
 * (chDB allows a single data directory per process and vitest runs each file in its own fork), or
 * in server mode a test double process of this file's own. Retention is off by default because
 * fixtures carry timestamps from 2018–2024.
 */
export async function openTestDb(schema: Partial<SchemaOptions> = {}): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-test-'));
  const server = testDbMode() === 'server' ? await spawnClickHouseDouble() : undefined;
  const db = server ? openDb({ kind: 'server', url: server.url }) : openDb({ kind: 'embedded', path: dir });
  await migrate(db.client, {
    ...DEFAULT_SCHEMA_OPTIONS,
    rawTtlDays: 0,
    minuteTtlDays: 0,
    hourTtlDays: 0,
    ...schema,
  });
  return {
    ...db,
    dir,
    ...(server ? { server } : {}),
    close: async () => {
      await db.close();
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs a query and returns its rows as objects. */
export async function rows<T = Record<string, unknown>>(
  db: Db,
  query: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  const rs = await db.client.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

/**
 * The database's clock in ms. Data the database stamps (`ingested_at`, watermarks from `now64()`)
 * follows it, not Node's: the CI run with the clock moved ahead moves Node's alone.
 */
export async function dbNowMs(db: Db): Promise<number> {
  const [row] = await rows<{ ms: string }>(db, 'SELECT toString(toUnixTimestamp64Milli(now64(3))) AS ms');
  return Number(row!.ms);
}

/**
 * Rows the engine selected (after pruning) while `work` ran, from `system.events` (chDB keeps no
 * query_log): a load-independent measure of what a query read.
 */
export async function selectedRows(db: Db, work: () => Promise<unknown>): Promise<number> {
  const read = async () =>
    Number(
      (await rows<{ v: string }>(db, "SELECT value AS v FROM system.events WHERE event = 'SelectedRows'"))[0]
        ?.v ?? 0,
    );
  const before = await read();
  await work();
  return (await read()) - before;
}

/** Tables filled by materialized views on `flows` (migrations 0001, 0700–0730) or chained on one (0760, 0780). */
export const FLOW_ROLLUPS = [
  'flows_1m',
  'flows_1h',
  'flows_remote_1h',
  'flows_remote_1d',
  'flows_egress_1h',
  'flows_contact_1h',
  'flows_span_1h',
  'flow_log_hours',
  'flows_internal_1h',
  'flows_internal_1d',
];

/** Empties the ingest tables (and every rollup fed from `flows`) between tests that share one database. */
export async function emptyIngestTables(db: Db): Promise<void> {
  for (const t of ['flows', ...FLOW_ROLLUPS, 'rejects', 'ingest_batches', 'ingest_batch_members'])
    await db.client.command({ query: `TRUNCATE TABLE ${t}` });
}

export async function count(db: Db, table: string, where = '1'): Promise<number> {
  const [r] = await rows<{ n: number }>(db, `SELECT count() AS n FROM ${table} WHERE ${where}`);
  return Number(r?.n ?? 0);
}
