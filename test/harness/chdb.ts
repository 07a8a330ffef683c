import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, openDb } from '../../core/clickhouse/client.js';
import { migrate } from '../../core/clickhouse/migrate.js';
import { DEFAULT_SCHEMA_OPTIONS, type SchemaOptions } from '../../core/clickhouse/migrations/types.js';

/**
 * A real embedded ClickHouse (chDB) in a fresh temp directory, migrated. One per test file: chDB
 * allows a single data directory per process and vitest runs each file in its own fork.
 * Retention is off by default because fixtures carry timestamps from 2018–2024.
 */
export async function openTestDb(schema: Partial<SchemaOptions> = {}): Promise<Db & { dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-test-'));
  const db = openDb({ kind: 'embedded', path: dir });
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
    close: async () => {
      await db.close();
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

export async function count(db: Db, table: string, where = '1'): Promise<number> {
  const [r] = await rows<{ n: number }>(db, `SELECT count() AS n FROM ${table} WHERE ${where}`);
  return Number(r?.n ?? 0);
}
