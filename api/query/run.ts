import type { ClickHouseSettings } from '@clickhouse/client';
import { z } from 'zod';
import type { Db } from '../../core/clickhouse/client.js';
import { count, query } from '../../core/clickhouse/query.js';

/**
 * Settings for every dashboard read: bounded in time. Not `readonly`: chDB applies per-query
 * settings to its one shared session, so a read-only read would turn later inserts read-only too
 * (seen on chdb 3.4.0). Parameters and the field whitelist are the injection defence.
 * @see https://clickhouse.com/docs/operations/settings/query-complexity#max-execution-time
 */
export const READ_SETTINGS: ClickHouseSettings = {
  max_execution_time: 60,
};

/**
 * Runs a parameterized read with {@link READ_SETTINGS} and returns its rows checked against `row`
 * (core/clickhouse/query.ts). Without `row` the rows are unchecked: only for the ingest routes,
 * which another change rewrites (test/integration/read-rules.test.ts lists them).
 * @deprecated without `row`
 */
export function readRows<T>(
  db: Db,
  sql: string,
  params: Record<string, unknown>,
  row?: z.ZodType<T>,
): Promise<T[]> {
  return query(db.client, { sql, params, row: row ?? (UNCHECKED as z.ZodType<T>), settings: READ_SETTINGS });
}

const UNCHECKED = z.unknown();

/** True when a table exists (tables owned by other packages may not be migrated yet). */
export async function tableExists(db: Db, table: string): Promise<boolean> {
  const n = await count(
    db.client,
    'SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = {t:String}',
    { t: table },
    READ_SETTINGS,
  );
  return n > 0;
}
