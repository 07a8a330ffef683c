import type { ClickHouseSettings } from '@clickhouse/client';
import type { Db } from '../../core/clickhouse/client.js';

/**
 * Settings for every dashboard read: read-only (defence in depth behind parameters and the field
 * whitelist) and bounded in time.
 * @see https://clickhouse.com/docs/operations/settings/permissions-for-queries#readonly
 */
export const READ_SETTINGS: ClickHouseSettings = {
  readonly: '2',
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
