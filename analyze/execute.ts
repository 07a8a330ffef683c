import type { ClickHouseClient } from '@clickhouse/client';
import { query } from '../core/clickhouse/query.js';
import type { AnalyzerQuery } from './analyzer.js';

/**
 * Runs an analyzer query and validates every row against its schema (rows read back are a trust
 * boundary: a schema drift must fail loudly, not produce silent wrong findings).
 */
export function executeQuery<Row>(client: ClickHouseClient, q: AnalyzerQuery<Row>): Promise<Row[]> {
  return query(client, { sql: q.sql, params: q.params, row: q.row });
}
