import { z } from 'zod';
import type { Db } from '../../../core/clickhouse/client.js';
import { chIsoTime, chNumber } from '../../../core/clickhouse/query.js';
import { timeRangeSql, wholeHours } from '../../../core/clickhouse/time.js';
import { ParamBag } from '../../query/params.js';
import { readRows } from '../../query/run.js';
import { chTime } from '../../query/time.js';
import type { Span } from './queries.js';

/** SQL of `/api/ingest/status` and `/api/ingest/rejects`, rows checked (docs/architecture.md "Reads"). */

function windowSql(p: ParamBag, w: Span): string {
  return timeRangeSql(p.add('DateTime64(3)', chTime(w.from)), p.add('DateTime64(3)', chTime(w.to)));
}

const SourceRow = z.object({ source: z.string(), n: chNumber, newest: chIsoTime, ingested: chIsoTime });

/**
 * Rows per `flows.source` in the window, with the newest flow and arrival. The window's whole hours
 * come from the hourly `flow_log_hours` rollup (migration 0720) and only its partial first and last
 * hours from raw `flows`, so the answer is exact for any window and a 24-hour status costs what
 * the blob-hours cost, not every stored row of the day.
 */
export function rowsBySource(db: Db, w: Span) {
  const p = new ParamBag();
  const from = p.add('DateTime64(3)', chTime(w.from));
  const to = p.add('DateTime64(3)', chTime(w.to));
  const hours = wholeHours(w.from, w.to);
  const wholeFrom = p.add('DateTime64(3)', chTime(hours.from));
  const wholeTo = p.add('DateTime64(3)', chTime(hours.to));
  return readRows(
    db,
    'SELECT source, sum(n) AS n, max(newest) AS newest, max(ingested) AS ingested FROM (' +
      'SELECT source, sum(rows) AS n, max(newest_flow) AS newest, max(newest_arrival) AS ingested ' +
      `FROM flow_log_hours WHERE hour >= ${wholeFrom} AND hour < ${wholeTo} GROUP BY source ` +
      'UNION ALL SELECT source, count() AS n, max(time) AS newest, max(ingested_at) AS ingested FROM flows ' +
      `WHERE (${timeRangeSql(from, `least(${wholeFrom}, ${to})`)}) ` +
      `OR (${timeRangeSql(`greatest(${wholeTo}, ${from})`, to)}) GROUP BY source` +
      ') GROUP BY source ORDER BY source',
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
