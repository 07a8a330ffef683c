import type { ClickHouseSettings } from '@clickhouse/client';
import { z } from 'zod';
import type { Db } from '../../core/clickhouse/client.js';
import { query } from '../../core/clickhouse/query.js';

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
