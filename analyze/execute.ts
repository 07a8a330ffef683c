import type { ClickHouseClient } from '@clickhouse/client';
import { PermanentError } from '../core/errors.js';
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
export async function executeQuery<Row>(client: ClickHouseClient, q: AnalyzerQuery<Row>): Promise<Row[]> {
  const rs = await client.query({
    query: q.sql,
    query_params: q.params,
    format: 'JSONEachRow',
    clickhouse_settings: ANALYZER_QUERY_SETTINGS,
  });
  const raw = await rs.json<unknown>();
  const out: Row[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const parsed = q.row.safeParse(raw[i]);
    if (!parsed.success) {
      throw new PermanentError(`analyzer row ${i} does not match its schema: ${parsed.error.message}`);
    }
    out[i] = parsed.data;
  }
  return out;
}
