import type { ClickHouseSettings } from '@clickhouse/client';
import type { Db } from '../../core/clickhouse/client.js';

/**
 * Settings for every dashboard read: bounded in time. Not `readonly`: chDB applies per-query
 * settings to its one shared session, so a read-only read would turn later inserts read-only too
 * (seen on chdb 3.4.0). Parameters and the field whitelist are the injection defence.
 * @see https://clickhouse.com/docs/operations/settings/query-complexity#max-execution-time
 */
export const READ_SETTINGS: ClickHouseSettings = {
  max_execution_time: 60,
};

/** Runs a parameterized read and returns its rows. */
export async function readRows<T>(db: Db, query: string, params: Record<string, unknown>): Promise<T[]> {
  const rs = await db.client.query({
    query,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: READ_SETTINGS,
  });
  return rs.json<T>();
}

/** True when a table exists (tables owned by other packages may not be migrated yet). */
export async function tableExists(db: Db, table: string): Promise<boolean> {
  const rows = await readRows<{ n: number }>(
    db,
    'SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = {t:String}',
    { t: table },
  );
  return Number(rows[0]?.n ?? 0) > 0;
}
