import type { ClickHouseClient } from '@clickhouse/client';
import { type Reject, wellFormed } from '../../../core/flow/reject.js';
import type { SourcePosition } from '../../contracts.js';

/** One row of the `rejects` table (migration 0001). */
export interface RejectRow {
  source_kind: string;
  source: string;
  offset: number;
  record_index: number;
  tuple_index: number;
  reason: string;
  detail: string;
  excerpt: string;
}

/**
 * Every string is made well-formed here, whoever built the reject: JSON.stringify writes a lone
 * surrogate as a `\uD83D` escape, which ClickHouse refuses (error 25) and which would fail the whole
 * rejects insert, so the run. Well-formed strings always serialize to JSON the engine accepts
 * (NULs and control characters become `\u00XX` escapes, which it reads back byte-exact).
 */
export function rejectRows(rejects: readonly Reject[], position: SourcePosition): RejectRow[] {
  const source = wellFormed(position.key);
  return rejects.map((r) => ({
    source_kind: position.kind,
    source,
    offset: r.offset,
    record_index: r.recordIndex,
    tuple_index: r.tupleIndex,
    reason: r.reason,
    detail: wellFormed(r.detail),
    excerpt: wellFormed(r.excerpt),
  }));
}

/**
 * Writes rejects (small: one row per bad record or tuple) through the client's JSONEachRow insert,
 * with a deduplication token so a replayed body does not duplicate its rejects.
 * @see https://clickhouse.com/docs/operations/settings/settings#insert_deduplication_token
 */
export async function insertRejects(
  client: ClickHouseClient,
  rows: RejectRow[],
  token: string,
): Promise<void> {
  if (rows.length === 0) return;
  await client.insert({
    table: 'rejects',
    values: rows,
    format: 'JSONEachRow',
    clickhouse_settings: { insert_deduplication_token: token },
  });
}
