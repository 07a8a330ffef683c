import type { ClickHouseClient } from '@clickhouse/client';
import { query } from '../core/clickhouse/query.js';
import type { AnalyzerQuery } from './analyzer.js';

/**
 * Settings of every analyzer query. Embedded chDB aggregates inside the flowlens process, so a
 * `GROUP BY` over a long window would grow the process by its hash table: above 128 MB the engine
 * spills aggregation states to temporary files instead (slower, bounded). Long-standing setting,
 * understood by every server version we support.
 * @see https://clickhouse.com/docs/sql-reference/statements/select/group-by#group-by-in-external-memory
 */
export const ANALYZER_QUERY_SETTINGS = { max_bytes_before_external_group_by: '134217728' } as const;

/**
 * Runs an analyzer query and validates every row against its schema (rows read back are a trust
 * boundary: a schema drift must fail loudly, not produce silent wrong findings).
 */
export function executeQuery<Row>(client: ClickHouseClient, q: AnalyzerQuery<Row>): Promise<Row[]> {
  return query(client, { sql: q.sql, params: q.params, row: q.row, settings: ANALYZER_QUERY_SETTINGS });
}
