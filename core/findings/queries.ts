import { SEVERITIES } from '../finding.js';

/**
 * SQL for the findings module. Every value is a `{name:Type}` parameter; only the column
 * expressions chosen from SORTS below are spliced in. `findings` is a ReplacingMergeTree keyed by
 * id, so reads use FINAL (the latest version of each finding); WHERE applies after FINAL's merge,
 * so filtering on status/severity sees the current values.
 */

export const COLUMNS =
  'id, category, severity, title, reason, first_seen, last_seen, subject, evidence, status, status_by, status_reason, status_at, detections';

export const READ_BY_IDS = `SELECT ${COLUMNS} FROM findings FINAL WHERE id IN {ids:Array(String)}`;

export const EVENTS_OF =
  'SELECT time, kind, status, severity, actor, reason FROM finding_events WHERE finding_id = {id:String} ORDER BY time';

/** Severity as a rank (info 1 … critical 5) so it sorts by meaning, not alphabetically. */
const SEVERITY_RANK = `indexOf([${SEVERITIES.map((s) => `'${s}'`).join(', ')}], severity)`;

/** Sortable columns: API/CLI name → SQL expression and the parameter type of its cursor value. */
export const SORTS = {
  severity: { expr: SEVERITY_RANK, type: 'UInt8' },
  lastSeen: { expr: 'last_seen', type: "DateTime64(3, 'UTC')" },
  firstSeen: { expr: 'first_seen', type: "DateTime64(3, 'UTC')" },
  category: { expr: 'category', type: 'String' },
  status: { expr: 'status', type: 'String' },
  title: { expr: 'title', type: 'String' },
  detections: { expr: 'detections', type: 'UInt32' },
  id: { expr: 'id', type: 'String' },
} as const;
export type FindingSort = keyof typeof SORTS;
export const FINDING_SORTS = Object.keys(SORTS) as [FindingSort, ...FindingSort[]];
export type SortOrder = 'asc' | 'desc';

/** The filters of a list; an empty array/string means "any". */
export const MATCHES =
  '(empty({statuses:Array(String)}) OR status IN {statuses:Array(String)}) ' +
  'AND (empty({severities:Array(String)}) OR severity IN {severities:Array(String)}) ' +
  "AND ({category:String} = '' OR category = {category:String}) " +
  "AND ({q:String} = '' OR positionCaseInsensitiveUTF8(title, {q:String}) > 0 " +
  'OR positionCaseInsensitiveUTF8(reason, {q:String}) > 0 OR positionCaseInsensitiveUTF8(subject, {q:String}) > 0)';

/**
 * Counts in one scan: per (severity, status), how many match the filters and how many exist at
 * all (the status tabs show every status whatever the filter).
 */
export const COUNTS =
  `SELECT severity, status, countIf(${MATCHES}) AS matching, count() AS all ` +
  'FROM findings FINAL GROUP BY severity, status';

/**
 * One page in a total order: the sort column, then last_seen, then id (unique), all in the same
 * direction, so the keyset cursor is one tuple comparison and pages never skip or repeat a row.
 */
export function pageSql(sort: FindingSort, order: SortOrder, withCursor: boolean): string {
  const { expr, type } = SORTS[sort];
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  const key = `(${expr}, last_seen, id)`;
  const after = withCursor
    ? ` AND ${key} ${order === 'asc' ? '>' : '<'} ({ck:${type}}, {ct:DateTime64(3, 'UTC')}, {cid:String})`
    : '';
  return (
    `SELECT ${COLUMNS}, ${expr} AS sort_key FROM findings FINAL WHERE ${MATCHES}${after} ` +
    `ORDER BY ${expr} ${dir}, last_seen ${dir}, id ${dir} LIMIT {limit:UInt32} OFFSET {offset:UInt32}`
  );
}
