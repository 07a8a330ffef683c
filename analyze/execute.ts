import type { ClickHouseClient } from '@clickhouse/client';
import { PermanentError } from '../core/errors.js';
import type { AnalyzerQuery } from './analyzer.js';

/**
 * Runs an analyzer query and validates every row against its schema (rows read back are a trust
 * boundary: a schema drift must fail loudly, not produce silent wrong findings).
 */
export async function executeQuery<Row>(client: ClickHouseClient, q: AnalyzerQuery<Row>): Promise<Row[]> {
  const rs = await client.query({ query: q.sql, query_params: q.params, format: 'JSONEachRow' });
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
