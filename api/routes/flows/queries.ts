import type { Db } from '../../../core/clickhouse/client.js';
import type { FilterNode } from '../../filter/ast.js';
import { compileFilter } from '../../filter/compile.js';
import { ParamBag } from '../../query/params.js';
import { READ_SETTINGS, readRows } from '../../query/run.js';
import { chTime, isoTime, type TimeWindow } from '../../query/time.js';
import { FLOW_COLUMNS, selectList, unprefix } from './columns.js';
import { encodeCursor, type FlowCursor } from './cursor.js';

export interface FlowQuery {
  window: TimeWindow;
  filter: FilterNode | null;
  order: 'asc' | 'desc';
}

const KEY = '(time, source, record_offset, tuple_index)';

function whereSql(q: FlowQuery, params: ParamBag, cursor?: FlowCursor): string {
  const parts = [
    `time >= ${params.add('DateTime64(3)', chTime(q.window.from))}`,
    `time < ${params.add('DateTime64(3)', chTime(q.window.to))}`,
    compileFilter(q.filter, params),
  ];
  if (cursor) {
    const tuple =
      `(${params.add('DateTime64(3)', cursor.time)}, ${params.add('String', cursor.source)}, ` +
      `${params.add('UInt64', cursor.offset)}, ${params.add('UInt32', cursor.tuple)})`;
    parts.push(`${KEY} ${q.order === 'desc' ? '<' : '>'} ${tuple}`);
  }
  return parts.join(' AND ');
}

/**
 * Key order. The leading `toStartOfFiveMinutes(time)` matches the table's sorting-key prefix, so
 * ClickHouse reads in order and stops after LIMIT rows instead of sorting every match; it does not
 * change the order (the function is monotonic in `time`).
 * @see https://clickhouse.com/docs/sql-reference/statements/select/order-by#optimization-of-data-reading
 */
function orderSql(order: 'asc' | 'desc'): string {
  const dir = order === 'desc' ? 'DESC' : 'ASC';
  return `toStartOfFiveMinutes(time) ${dir}, time ${dir}, source ${dir}, record_offset ${dir}, tuple_index ${dir}`;
}

/**
 * One page of raw flows in key order, and the cursor for the next page (keyset pagination:
 * stable under concurrent inserts, no OFFSET scans).
 * @see https://clickhouse.com/docs/guides/developer/understanding-query-execution-with-the-analyzer
 */
export async function searchFlows(
  db: Db,
  q: FlowQuery & { limit: number; cursor?: FlowCursor },
): Promise<{ rows: Record<string, unknown>[]; nextCursor: string | null }> {
  const params = new ParamBag();
  const query =
    `SELECT ${selectList()} FROM flows WHERE ${whereSql(q, params, q.cursor)} ` +
    `ORDER BY ${orderSql(q.order)} LIMIT ${params.add('UInt32', q.limit + 1)}`;
  const raw = await readRows<Record<string, unknown>>(db, query, params.values);
  const page = raw.slice(0, q.limit).map(unprefix);
  const last = page.at(-1);
  const nextCursor =
    raw.length > q.limit && last
      ? encodeCursor({
          time: String(last.time),
          source: String(last.source),
          offset: Number(last.record_offset),
          tuple: Number(last.tuple_index),
        })
      : null;
  return { rows: page.map((r) => ({ ...r, time: isoTime(String(r.time)) })), nextCursor };
}

/**
 * A streamed export: ClickHouse formats the rows (CSVWithNames or JSONEachRow) and the bytes pass
 * straight through, so memory stays flat whatever the row count.
 * @see https://clickhouse.com/docs/integrations/language-clients/javascript#exec-method
 */
export async function exportFlows(
  db: Db,
  q: FlowQuery & { maxRows: number; format: 'csv' | 'ndjson' },
): Promise<NodeJS.ReadableStream> {
  const params = new ParamBag();
  const outer = FLOW_COLUMNS.map(([name]) =>
    name === 'time' ? `formatDateTime(o_time, '%Y-%m-%dT%H:%i:%s.%fZ') AS time` : `o_${name} AS ${name}`,
  ).join(', ');
  const query =
    `SELECT ${outer} FROM (SELECT ${selectList()} FROM flows WHERE ${whereSql(q, params)} ` +
    `ORDER BY ${orderSql(q.order)} LIMIT ${params.add('UInt32', q.maxRows)}) ` +
    `FORMAT ${q.format === 'csv' ? 'CSVWithNames' : 'JSONEachRow'}`;
  const result = await db.client.exec({
    query,
    query_params: params.values,
    clickhouse_settings: READ_SETTINGS,
  });
  return result.stream;
}
