import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { chNumber, count, query } from '../../../core/clickhouse/query.js';
import { timeRangeSql } from '../../../core/clickhouse/time.js';
import type { FlowColumns } from '../../../core/flow/batch.js';

/**
 * Where the rows of one insert land in `flows`: their source label, flow-time range and record
 * offsets. Counting rows in that scope before and after the insert gives the rows it committed,
 * which is how a repeated deduplication token (the block was stored before) is told apart from a
 * stored block: chDB's insert summary is empty and the server's counts the rows read, not kept.
 * The time range keeps the count on a few granules: `scopeTimeSql` bounds the sorting key's first
 * column too, which a bare `time` bound does not (core/clickhouse/time.ts `timeRangeSql`). Without it
 * every count read its whole day partition, twice per insert (measured in committed.test.ts).
 */
export interface BlockScope {
  source: string;
  fromMs: number;
  toMs: number;
  fromOffset: number;
  toOffset: number;
}

/** The scope of rows `[from, to)` of `cols`, written with `source` as their label. */
export function blockScope(cols: FlowColumns, from: number, to: number, source: string): BlockScope {
  let fromMs = Number.POSITIVE_INFINITY;
  let toMs = Number.NEGATIVE_INFINITY;
  let fromOffset = Number.POSITIVE_INFINITY;
  let toOffset = Number.NEGATIVE_INFINITY;
  for (let i = from; i < to; i++) {
    const t = cols.timeMs[i]!;
    const o = cols.recordOffset[i]!;
    if (t < fromMs) fromMs = t;
    if (t > toMs) toMs = t;
    if (o < fromOffset) fromOffset = o;
    if (o > toOffset) toOffset = o;
  }
  return { source, fromMs, toMs, fromOffset, toOffset };
}

/**
 * `time` in `[fromMs, toMs]` (flow times have millisecond precision, so `< toMs + 1 ms`), with the
 * sorting key's 5-minute bucket bounded too. The bucket is a 32-bit `DateTime`, which wraps outside
 * 1970–2106 (a tuple may carry such a time), so there the bare `time` bounds are used: slower, exact.
 */
function scopeTimeSql(fromMs: number, toMs: number): string {
  const from = "fromUnixTimestamp64Milli({fromMs:Int64}, 'UTC')";
  const to = "fromUnixTimestamp64Milli({toMs:Int64} + 1, 'UTC')";
  if (fromMs >= 0 && toMs + 1 < BUCKET_LIMIT_MS) return timeRangeSql(from, to);
  return `time >= ${from} AND time < ${to}`;
}

/** The first instant a 32-bit `DateTime` (the 5-minute bucket) cannot hold. */
const BUCKET_LIMIT_MS = 2 ** 32 * 1000;

/** Only rows that arrived since `sinceMs` (a batch's recording), when given: older copies do not count. */
const arrivedSince = (sinceMs: number | undefined, column: string) =>
  sinceMs === undefined ? '' : ` AND ${column} >= fromUnixTimestamp64Milli({sinceMs:Int64}, 'UTC')`;

/**
 * Rows of `flows` inside a block's scope (0 for an empty scope); with `sinceMs`, only those stored
 * since then.
 */
export async function countInScope(
  client: ClickHouseClient,
  scope: BlockScope,
  sinceMs?: number,
): Promise<number> {
  if (!(scope.toMs >= scope.fromMs)) return 0;
  const where = scopeFilter(scope);
  const sql =
    `SELECT count() AS n FROM flows WHERE ${where.sql} AND source = {source:String}` +
    arrivedSince(sinceMs, 'ingested_at');
  return count(client, sql, {
    ...where.params,
    source: scope.source,
    ...(sinceMs === undefined ? {} : { sinceMs: Math.floor(sinceMs) }),
  });
}

/** A scope's time range and record offsets as SQL, with its parameters (times rounded outwards). */
function scopeFilter(s: Omit<BlockScope, 'source'>) {
  const fromMs = Math.floor(s.fromMs);
  const toMs = Math.ceil(s.toMs);
  return {
    sql: `${scopeTimeSql(fromMs, toMs)} AND record_offset >= {fromOffset:UInt64} AND record_offset <= {toOffset:UInt64}`,
    params: { fromMs, toMs, fromOffset: s.fromOffset, toOffset: s.toOffset },
  };
}

/**
 * Rejects of one write already in the `rejects` table: same source and offsets. Counted before and
 * after the insert like rows, so a replayed range's rejects are named as already stored.
 */
export async function countRejects(
  client: ClickHouseClient,
  kind: string,
  source: string,
  offsets: readonly number[],
  sinceMs?: number,
): Promise<number> {
  if (offsets.length === 0) return 0;
  // A loop, not Math.min(...offsets): a write can carry more rejects than the call stack has room for.
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const o of offsets) {
    if (o < from) from = o;
    if (o > to) to = o;
  }
  const sql = `${REJECTS_QUERY}${arrivedSince(sinceMs, 'time')}`;
  return count(client, sql, {
    kind,
    source,
    from,
    to,
    ...(sinceMs === undefined ? {} : { sinceMs: Math.floor(sinceMs) }),
  });
}

/** `rejects.time` is when a reject was stored (its arrival), which `sinceMs` bounds. */
const REJECTS_QUERY =
  'SELECT count() AS n FROM rejects WHERE source_kind = {kind:String} AND source = {source:String} ' +
  'AND offset >= {from:Int64} AND offset <= {to:Int64}';

/** Where the rows of a coalesced insert land: several source labels, one time and offset envelope. */
export interface BatchScope {
  sources: string[];
  fromMs: number;
  toMs: number;
  fromOffset: number;
  toOffset: number;
}

/** The envelope of several block scopes (empty scopes are skipped). */
export function mergeScopes(scopes: readonly BlockScope[]): BatchScope {
  const out: BatchScope = {
    sources: [],
    fromMs: Number.POSITIVE_INFINITY,
    toMs: Number.NEGATIVE_INFINITY,
    fromOffset: Number.POSITIVE_INFINITY,
    toOffset: Number.NEGATIVE_INFINITY,
  };
  const sources = new Set<string>();
  for (const s of scopes) {
    if (!(s.toMs >= s.fromMs)) continue;
    sources.add(s.source);
    out.fromMs = Math.min(out.fromMs, s.fromMs);
    out.toMs = Math.max(out.toMs, s.toMs);
    out.fromOffset = Math.min(out.fromOffset, s.fromOffset);
    out.toOffset = Math.max(out.toOffset, s.toOffset);
  }
  out.sources = [...sources];
  return out;
}

/**
 * Rows of `flows` per source label inside a batch's envelope: one query for the whole batch. The
 * envelope is wider than the members' own rows (other ranges of the same sources may fall inside
 * it), which does not matter: only the difference before/after the insert is used.
 */
export async function countBySource(
  client: ClickHouseClient,
  scope: BatchScope,
): Promise<Map<string, number>> {
  if (!scope.sources.length) return new Map();
  const where = scopeFilter(scope);
  const sql = `SELECT source AS s, count() AS n FROM flows WHERE ${where.sql} AND source IN {sources:Array(String)} GROUP BY source`;
  return countsOf(client, sql, { ...where.params, sources: scope.sources });
}

/** Rejects per source label of one source kind within an offset envelope (one query per batch). */
export async function countRejectsBySource(
  client: ClickHouseClient,
  kind: string,
  sources: readonly string[],
  offsets: { from: number; to: number },
): Promise<Map<string, number>> {
  if (!sources.length) return new Map();
  return countsOf(client, REJECTS_BY_SOURCE_QUERY, { kind, sources, from: offsets.from, to: offsets.to });
}

const REJECTS_BY_SOURCE_QUERY =
  'SELECT source AS s, count() AS n FROM rejects WHERE source_kind = {kind:String} AND source IN {sources:Array(String)} ' +
  'AND offset >= {from:Int64} AND offset <= {to:Int64} GROUP BY source';

const CountRow = z.object({ s: z.string(), n: chNumber });

async function countsOf(client: ClickHouseClient, sql: string, params: Record<string, unknown>) {
  const rows = await query(client, { sql, params, row: CountRow, name: 'committed rows by source' });
  return new Map(rows.map((r) => [r.s, r.n]));
}
