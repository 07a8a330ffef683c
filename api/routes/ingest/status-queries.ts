import { z } from 'zod';
import type { Db } from '../../../core/clickhouse/client.js';
import { chIsoTime, chNumber } from '../../../core/clickhouse/query.js';
import { ParamBag } from '../../query/params.js';
import { readRows } from '../../query/run.js';
import { chTime } from '../../query/time.js';
import type { Span } from './queries.js';

/** SQL of `/api/ingest/status` and `/api/ingest/rejects`, rows checked (docs/architecture.md "Reads"). */

function windowSql(p: ParamBag, w: Span): string {
  return `time >= ${p.add('DateTime64(3)', chTime(w.from))} AND time < ${p.add('DateTime64(3)', chTime(w.to))}`;
}

const SourceRow = z.object({ source: z.string(), n: chNumber, newest: chIsoTime, ingested: chIsoTime });

/** Rows per `flows.source` in the window, with the newest flow and arrival. */
export function rowsBySource(db: Db, w: Span) {
  const p = new ParamBag();
  return readRows(
    db,
    `SELECT source, count() AS n, max(time) AS newest, max(ingested_at) AS ingested FROM flows WHERE ${windowSql(p, w)} GROUP BY source ORDER BY source`,
    p.values,
    SourceRow,
  );
}

const PositionRow = z.object({ source_kind: z.string(), source_key: z.string(), updated_at: chIsoTime });

/** The 500 most recently moved source positions (blob cursors, file positions). */
export function recentPositions(db: Db) {
  return readRows(
    db,
    'SELECT source_kind, source_key, updated_at FROM ingest_positions FINAL ORDER BY updated_at DESC LIMIT 500',
    {},
    PositionRow,
  );
}

const ReasonRow = z.object({ reason: z.string(), n: chNumber });

/** Rejects in the window by reason. */
export function rejectsByReason(db: Db, w: Span) {
  const p = new ParamBag();
  return readRows(
    db,
    `SELECT reason, count() AS n FROM rejects WHERE ${windowSql(p, w)} GROUP BY reason ORDER BY n DESC`,
    p.values,
    ReasonRow,
  );
}

const RejectRow = z.object({
  time: chIsoTime,
  source_kind: z.string(),
  source: z.string(),
  offset: chNumber,
  record_index: chNumber,
  tuple_index: chNumber,
  reason: z.string(),
  detail: z.string(),
  excerpt: z.string(),
});

/** The newest rejects in the window, optionally of one reason. */
export function latestRejects(db: Db, w: Span, limit: number, reason?: string) {
  const p = new ParamBag();
  const byReason = reason ? ` AND reason = ${p.add('String', reason)}` : '';
  return readRows(
    db,
    'SELECT time, source_kind, source, offset, record_index, tuple_index, reason, detail, excerpt FROM rejects ' +
      `WHERE ${windowSql(p, w)}${byReason} ORDER BY time DESC LIMIT ${p.add('UInt32', limit)}`,
    p.values,
    RejectRow,
  );
}
