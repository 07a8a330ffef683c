import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { chNumber, query } from '../clickhouse/query.js';
import { chTime, isoTime } from '../clickhouse/time.js';
import type { FindingStatus, Severity } from '../finding.js';
import { COUNTS, type FindingSort, pageSql, type SortOrder } from './queries.js';
import { FindingRowSchema, type StoredFinding, toStored } from './rows.js';

export interface FindingQuery {
  status?: readonly FindingStatus[] | undefined;
  severity?: readonly Severity[] | undefined;
  category?: string | undefined;
  /** Text in title, reason or subject (case-insensitive). */
  q?: string | undefined;
  /** Default: severity, then recency (the triage order). */
  sort?: FindingSort | undefined;
  order?: SortOrder | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
  /** `nextCursor` of the previous page. */
  cursor?: string | undefined;
}

export interface FindingCounts {
  /** Matching findings per severity. */
  bySeverity: Record<string, number>;
  /** All findings per status, whatever the filters (the status tabs). */
  byStatus: Record<string, number>;
}

export interface FindingPage {
  total: number;
  counts: FindingCounts;
  items: StoredFinding[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Thrown for a cursor that was not produced by this module (API: 400). */
export class BadCursorError extends Error {}

const CursorSchema = z.object({ k: z.union([z.string(), z.number()]), t: z.string(), id: z.string() });
type Cursor = z.infer<typeof CursorSchema>;

const PageRowSchema = FindingRowSchema.extend({ sort_key: z.union([z.string(), z.number()]) });
const CountRowSchema = z.object({
  severity: z.string(),
  status: z.string(),
  matching: chNumber,
  all: chNumber,
});

/** Filters, counts, sorts and pages findings in ClickHouse (two queries, nothing held in memory). */
export async function queryFindings(client: ClickHouseClient, q: FindingQuery = {}): Promise<FindingPage> {
  const sort = q.sort ?? 'severity';
  const order = q.order ?? 'desc';
  const limit = q.limit ?? 50;
  const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
  const filters = {
    statuses: q.status ?? [],
    severities: q.severity ?? [],
    category: q.category ?? '',
    q: q.q ?? '',
  };
  const pageParams = {
    ...filters,
    limit: limit + 1,
    offset: q.offset ?? 0,
    ...(cursor ? { ck: cursor.k, ct: chTime(new Date(cursor.t)), cid: cursor.id } : {}),
  };
  const [rows, counts] = await Promise.all([
    read(client, pageSql(sort, order, Boolean(cursor)), pageParams, PageRowSchema),
    read(client, COUNTS, filters, CountRowSchema),
  ]);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    ...tally(counts),
    items: page.map(toStored),
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({ k: last.sort_key, t: isoTime(last.last_seen), id: last.id })
        : null,
  };
}

function read<T>(
  client: ClickHouseClient,
  sql: string,
  params: Record<string, unknown>,
  row: z.ZodType<T>,
): Promise<T[]> {
  return query(client, { sql, params, row });
}

function tally(rows: z.infer<typeof CountRowSchema>[]): { total: number; counts: FindingCounts } {
  const counts: FindingCounts = { bySeverity: {}, byStatus: {} };
  let total = 0;
  for (const r of rows) {
    total += r.matching;
    if (r.matching) counts.bySeverity[r.severity] = (counts.bySeverity[r.severity] ?? 0) + r.matching;
    counts.byStatus[r.status] = (counts.byStatus[r.status] ?? 0) + r.all;
  }
  return { total, counts };
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const c = CursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    if (Number.isNaN(Date.parse(c.t))) throw new Error('bad time');
    return c;
  } catch {
    throw new BadCursorError('cursor is not one this API returned');
  }
}
