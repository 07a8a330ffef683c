import { z } from 'zod';
import type { Db } from '../../../core/clickhouse/client.js';
import { query } from '../../../core/clickhouse/query.js';
import { READ_SETTINGS } from '../../query/run.js';
import { chTime, isoTime } from '../../query/time.js';

/**
 * SQL of the ingest health routes (health.ts) and `flowlens stats`. Every row is checked with zod
 * through the checked `query()` helper of core/clickhouse (docs/architecture.md "Reads").
 */

/**
 * The flow log a row belongs to, as a lower-cased ARM id (Azure spells ids in either case):
 * VNet flow logs by their target (VNet, subnet or NIC), else the flow-log resource; NSG flow logs by
 * the NSG's resource id, rebuilt from subscription, resource group and name when the record had none.
 */
export const FLOW_LOG_KEY =
  "lower(multiIf(format = 'vnet' AND target_resource != '', target_resource, format = 'vnet', flow_log, " +
  "target_resource != '', target_resource, nsg != '', concat('/subscriptions/', subscription_id, " +
  "'/resourceGroups/', resource_group, '/providers/Microsoft.Network/networkSecurityGroups/', nsg), " +
  "flow_log != '', flow_log, '(unknown)'))";
/** The same id in the case it was logged, for display. */
export const FLOW_LOG_LABEL =
  "multiIf(format = 'vnet' AND target_resource != '', target_resource, format = 'vnet', flow_log, " +
  "target_resource != '', target_resource, nsg != '', nsg, flow_log != '', flow_log, '(unknown)')";
/**
 * The NSG a blob path names (`resourceId=/SUBSCRIPTIONS/…/NETWORKSECURITYGROUPS/<nsg>/y=…`), so a
 * reject in a blob none of whose rows was stored still finds its flow log.
 */
export const BLOB_NSG =
  "lower(extract(src, '(?i)resourceId=(/subscriptions/[^=]+?/networksecuritygroups/[^/]+)'))";

const num = z.coerce.number();
const WINDOW = "time >= {from:DateTime64(3, 'UTC')} AND time < {to:DateTime64(3, 'UTC')}";

export interface Span {
  from: Date;
  to: Date;
}
const spanParams = (w: Span) => ({ from: chTime(w.from), to: chTime(w.to) });

function select<T>(db: Db, row: z.ZodType<T>, sql: string, params: Record<string, unknown>): Promise<T[]> {
  return query(db.client, { sql, params, row, settings: READ_SETTINGS });
}

const FlowLogRow = z.object({
  log_key: z.string(),
  label: z.string(),
  fmt: z.string(),
  sub_id: z.string(),
  rg: z.string(),
  newest_flow: z.string().transform(isoTime),
  newest_arrival: z.string().transform(isoTime),
  covered_hours: num,
  rows_hour: num,
  bytes_hour: num,
  kinds: z.array(z.string()),
  sources: num,
});
export type FlowLogRow = z.infer<typeof FlowLogRow>;

/**
 * The inner grouping: what tells flow logs apart in practice (NSG records always name their NSG's
 * resource id, VNet records their target). Grouping by all six key columns cost 4-5× a `GROUP BY nsg`
 * on chDB; the rest of the key is taken with `any()` per group.
 */
const GROUP_COLUMNS = 'format, nsg, target_resource';
const ANY_COLUMNS =
  'any(flow_log) AS flow_log, any(subscription_id) AS subscription_id, any(resource_group) AS resource_group';
/** Rollup rows (migration 0720) of the hours `[from, to)` overlaps. */
const HOURS = "hour >= toStartOfHour({from:DateTime64(3, 'UTC')}) AND hour < {to:DateTime64(3, 'UTC')}";

/**
 * One row per flow log with data in `w` (the rules window), with the last hour's rows and bytes.
 * The window is read from the hourly `flow_log_hours` rollup, so a page load costs what the number
 * of blob-hours costs, not the stored rows; only the last hour's counts come from raw `flows`
 * (an hour back from now is not an hour boundary). Coverage counts the hours of the window's
 * first, partial hour too. The outer query derives the key from the few inner groups: computing
 * the key string on every row cost about 7× a plain `GROUP BY nsg`.
 */
export function readFlowLogs(db: Db, w: Span, hourAgo: Date): Promise<FlowLogRow[]> {
  return select(
    db,
    FlowLogRow,
    `SELECT ${FLOW_LOG_KEY} AS log_key, any(${FLOW_LOG_LABEL}) AS label, any(format) AS fmt, ` +
      'any(subscription_id) AS sub_id, any(resource_group) AS rg, ' +
      'toString(max(t_max)) AS newest_flow, toString(max(a_max)) AS newest_arrival, ' +
      'length(groupUniqArrayArray(hours)) AS covered_hours, sum(n_hour) AS rows_hour, sum(b_hour) AS bytes_hour, ' +
      "arraySort(arrayDistinct(arrayMap(s -> splitByChar(':', s)[1], groupUniqArrayArray(srcs)))) AS kinds, " +
      'length(groupUniqArrayArray(srcs)) AS sources ' +
      `FROM (SELECT ${GROUP_COLUMNS}, ${ANY_COLUMNS}, max(newest_flow) AS t_max, max(newest_arrival) AS a_max, ` +
      `groupUniqArray(hour) AS hours, groupUniqArray(source) AS srcs FROM flow_log_hours WHERE ${HOURS} ` +
      `GROUP BY ${GROUP_COLUMNS}) AS r LEFT JOIN (SELECT ${GROUP_COLUMNS}, count() AS n_hour, ` +
      'sum(bytes_sent + bytes_received) AS b_hour FROM flows ' +
      `WHERE time >= {hour:DateTime64(3, 'UTC')} AND time < {to:DateTime64(3, 'UTC')} GROUP BY ${GROUP_COLUMNS}) AS h ` +
      `USING (${GROUP_COLUMNS}) GROUP BY log_key ORDER BY log_key`,
    { ...spanParams(w), hour: chTime(hourAgo) },
  );
}

const MinuteRow = z.object({ log_key: z.string(), minute: num, rows: num });

/** Rows per flow log and minute of `[from, from + 60 min)`, minute 0 first. */
export function readMinutes(db: Db, from: Date, to: Date): Promise<z.infer<typeof MinuteRow>[]> {
  return select(
    db,
    MinuteRow,
    `SELECT ${FLOW_LOG_KEY} AS log_key, ` +
      'toUInt32(intDiv(toUnixTimestamp64Milli(time) - {fromMs:Int64}, 60000)) AS minute, count() AS rows ' +
      `FROM flows WHERE ${WINDOW} GROUP BY log_key, minute`,
    { ...spanParams({ from, to }), fromMs: from.getTime() },
  );
}

const RejectRow = z.object({ log_key: z.string(), reason: z.string(), n: num });

/**
 * Rejects stored in `w` by flow log and reason. A reject belongs to a flow log when its source
 * (blob, file) fed only that flow log, or its blob path names the NSG; a source shared by several
 * flow logs (a Kafka partition, an Event Hubs partition) leaves it unattributed (`log_key` '').
 */
export function readRejects(db: Db, w: Span): Promise<z.infer<typeof RejectRow>[]> {
  return select(
    db,
    RejectRow,
    `SELECT if(s.log_key != '', s.log_key, ${BLOB_NSG}) AS log_key, reason, count() AS n FROM ` +
      `(SELECT reason, concat(source_kind, ':', source) AS src FROM rejects WHERE ${WINDOW}) AS r ` +
      `LEFT JOIN (SELECT source AS src, if(uniqExact(${FLOW_LOG_KEY}) = 1, any(${FLOW_LOG_KEY}), '') AS log_key ` +
      `FROM flow_log_hours WHERE ${HOURS} AND source IN (SELECT concat(source_kind, ':', source) FROM rejects WHERE ${WINDOW}) ` +
      'GROUP BY source) AS s USING src GROUP BY log_key, reason ORDER BY log_key, n DESC, reason',
    spanParams(w),
  );
}

const SourceRow = z.object({
  source: z.string(),
  rows: num,
  bytes: num,
  first_flow: z.string().transform(isoTime),
  newest_flow: z.string().transform(isoTime),
  newest_arrival: z.string().transform(isoTime),
});
type SourceRow = z.infer<typeof SourceRow>;

/** A flow log's blobs, files or partitions in the hours `w` overlaps (hourly rollup), newest arrival first, one page. */
export async function readSources(
  db: Db,
  key: string,
  w: Span,
  page: { limit: number; offset: number },
): Promise<{ total: number; rows: SourceRow[] }> {
  const where = `${HOURS} AND ${FLOW_LOG_KEY} = {key:String}`;
  const params = { ...spanParams(w), key, limit: page.limit, offset: page.offset };
  const [total, rows] = await Promise.all([
    select(
      db,
      z.object({ n: num }),
      `SELECT uniqExact(source) AS n FROM flow_log_hours WHERE ${where}`,
      params,
    ),
    select(
      db,
      SourceRow,
      'SELECT source, sum(rows) AS rows, sum(bytes) AS bytes, toString(min(first_flow)) AS first_flow, ' +
        'toString(max(newest_flow)) AS newest_flow, toString(max(newest_arrival)) AS newest_arrival ' +
        `FROM flow_log_hours WHERE ${where} GROUP BY source ORDER BY newest_arrival DESC, source ` +
        'LIMIT {limit:UInt32} OFFSET {offset:UInt32}',
      params,
    ),
  ]);
  return { total: total[0]?.n ?? 0, rows };
}

const CountRow = z.object({ src: z.string(), n: num });
const PositionRow = z.object({ src: z.string(), updated: z.string().transform(isoTime) });

/** Rejects in `w` and the cursor's last update, for some sources (`<kind>:<key>` as in `flows.source`). */
export async function readSourceFacts(
  db: Db,
  sources: string[],
  w: Span,
): Promise<{ rejects: Map<string, number>; positions: Map<string, string> }> {
  if (!sources.length) return { rejects: new Map(), positions: new Map() };
  const [rejects, positions] = await Promise.all([
    select(
      db,
      CountRow,
      `SELECT concat(source_kind, ':', source) AS src, count() AS n FROM rejects WHERE ${WINDOW} ` +
        'AND src IN {sources:Array(String)} GROUP BY src',
      { ...spanParams(w), sources },
    ),
    select(
      db,
      PositionRow,
      "SELECT concat(source_kind, ':', source_key) AS src, toString(max(updated_at)) AS updated " +
        'FROM ingest_positions WHERE src IN {sources:Array(String)} GROUP BY src',
      { sources },
    ),
  ]);
  return {
    rejects: new Map(rejects.map((r) => [r.src, r.n])),
    positions: new Map(positions.map((p) => [p.src, p.updated])),
  };
}
