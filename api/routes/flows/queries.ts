import { z } from 'zod';
import type { Db } from '../../../core/clickhouse/client.js';
import { chNumber } from '../../../core/clickhouse/query.js';
import {
  PAGE_SLICING,
  pageSlices,
  type Slicing,
  timeMs,
  timeRangeSql,
} from '../../../core/clickhouse/time.js';
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

/** The key columns are checked (the cursor is built from them); the others pass through as JSON. */
const KeyRow = z.object({
  time: z.string(),
  source: z.string(),
  record_offset: chNumber,
  tuple_index: chNumber,
});
const FlowRow = z.looseObject({
  o_time: z.string(),
  o_source: z.string(),
  o_record_offset: chNumber,
  o_tuple_index: chNumber,
});

function whereSql(q: FlowQuery, params: ParamBag, cursor?: FlowCursor): string {
  const parts = [
    timeRangeSql(
      params.add('DateTime64(3)', chTime(q.window.from)),
      params.add('DateTime64(3)', chTime(q.window.to)),
    ),
    compileFilter(q.filter, params),
  ];
  if (cursor) {
    // The plain time bound lets ClickHouse skip parts by the primary key; the tuple decides ties.
    const at = params.add('DateTime64(3)', cursor.time);
    parts.push(`time ${q.order === 'desc' ? '<=' : '>='} ${at}`);
    parts.push(`${KEY} ${q.order === 'desc' ? '<' : '>'} ${keyTuple(params, cursor)}`);
  }
  return parts.join(' AND ');
}

function keyTuple(params: ParamBag, k: FlowCursor): string {
  return (
    `(${params.add('DateTime64(3)', k.time)}, ${params.add('String', k.source)}, ` +
    `${params.add('UInt64', k.offset)}, ${params.add('UInt32', k.tuple)})`
  );
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
 * stable under concurrent inserts, no OFFSET scans). Read in time slices from the page's start
 * until `limit + 1` rows are in: slices are disjoint in time and time leads the key, so their rows
 * in slice order are the rows of one query over the window, in the same order.
 * @see https://clickhouse.com/docs/guides/developer/understanding-query-execution-with-the-analyzer
 */
export async function searchFlows(
  db: Db,
  q: FlowQuery & { limit: number; cursor?: FlowCursor },
  slicing: Slicing = PAGE_SLICING,
): Promise<{ rows: Record<string, unknown>[]; nextCursor: string | null }> {
  const raw: z.infer<typeof FlowRow>[] = [];
  for (const [from, to] of pageSlices(...pageSpan(q), q.order, slicing)) {
    const params = new ParamBag();
    const slice = `time >= ${params.add('DateTime64(3)', chTime(from))} AND time < ${params.add('DateTime64(3)', chTime(to))}`;
    const query =
      `SELECT ${selectList()} FROM flows WHERE ${whereSql(q, params, q.cursor)} AND ${slice} ` +
      `ORDER BY ${orderSql(q.order)} LIMIT ${params.add('UInt32', q.limit + 1 - raw.length)}`;
    raw.push(...(await readRows(db, query, params.values, FlowRow)));
    if (raw.length > q.limit) break;
  }
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

/** The part of the window a page can come from: up to and including the cursor's instant. */
function pageSpan(q: FlowQuery & { cursor?: FlowCursor }): [number, number] {
  const [from, to] = [q.window.from.getTime(), q.window.to.getTime()];
  if (!q.cursor) return [from, to];
  const at = timeMs(q.cursor.time);
  return q.order === 'desc' ? [from, Math.min(to, at + 1)] : [Math.max(from, at), to];
}

/**
 * A streamed export read in keyset pages of at most `pageRows` rows, so memory holds one page
 * whatever the row count: chDB's Connection materializes every result before handing it over (its
 * `exec` stream is one buffer, chdb 3.4.0), so one big query would hold the whole export. Per page,
 * a narrow query finds the page's last key, then ClickHouse formats exactly the rows up to it
 * (CSVWithNames on the first page, CSV after; JSONEachRow) and the bytes pass straight through.
 * Pulled on demand: a slow client pauses the reads, a closed one stops them.
 * @see https://clickhouse.com/docs/integrations/language-clients/javascript#exec-method
 */
export async function* exportFlows(
  db: Db,
  q: FlowQuery & { maxRows: number; format: 'csv' | 'ndjson'; pageRows: number },
): AsyncGenerator<Uint8Array> {
  let cursor: FlowCursor | undefined;
  for (let remaining = q.maxRows, page = 0; remaining > 0; page++) {
    const n = Math.min(q.pageRows, remaining);
    const last = await pageEnd(db, q, n, cursor);
    const format = q.format === 'ndjson' ? 'JSONEachRow' : page === 0 ? 'CSVWithNames' : 'CSV';
    yield* pageBytes(db, q, { cursor, last, n, format });
    if (!last) return;
    cursor = last;
    remaining -= n;
  }
}

/** Key of the page's `n`-th row, or undefined when fewer rows are left (the last page). */
async function pageEnd(
  db: Db,
  q: FlowQuery,
  n: number,
  cursor?: FlowCursor,
): Promise<FlowCursor | undefined> {
  const params = new ParamBag();
  const query =
    `SELECT time, source, record_offset, tuple_index FROM flows WHERE ${whereSql(q, params, cursor)} ` +
    `ORDER BY ${orderSql(q.order)} LIMIT 1 OFFSET ${params.add('UInt32', n - 1)}`;
  const [row] = await readRows(db, query, params.values, KeyRow);
  return row
    ? { time: row.time, source: row.source, offset: row.record_offset, tuple: row.tuple_index }
    : undefined;
}

async function* pageBytes(
  db: Db,
  q: FlowQuery,
  page: { cursor: FlowCursor | undefined; last: FlowCursor | undefined; n: number; format: string },
): AsyncGenerator<Uint8Array> {
  const params = new ParamBag();
  const outer = FLOW_COLUMNS.map(([name]) =>
    name === 'time' ? `formatDateTime(o_time, '%Y-%m-%dT%H:%i:%s.%fZ') AS time` : `o_${name} AS ${name}`,
  ).join(', ');
  const upTo = page.last
    ? ` AND ${KEY} ${q.order === 'desc' ? '>=' : '<='} ${keyTuple(params, page.last)}`
    : '';
  const query =
    `SELECT ${outer} FROM (SELECT ${selectList()} FROM flows WHERE ${whereSql(q, params, page.cursor)}${upTo} ` +
    `ORDER BY ${orderSql(q.order)} LIMIT ${params.add('UInt32', page.n)}) FORMAT ${page.format}`;
  const result = await db.client.exec({
    query,
    query_params: params.values,
    clickhouse_settings: READ_SETTINGS,
  });
  for await (const chunk of result.stream as AsyncIterable<Uint8Array>) yield chunk;
}
