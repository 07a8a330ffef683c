import { z } from 'zod';
import { chIsoTime } from '../core/clickhouse/query.js';
import { chTime, timeRangeSql } from '../core/clickhouse/time.js';
import type { SampleFlow } from '../core/finding.js';
import type { AnalysisWindow } from './analyzer.js';

/**
 * SQL fragments shared by analyzers. Values are never spliced in: only column names and
 * constants chosen here; everything user-supplied goes through `{name:Type}` parameters.
 * @see https://clickhouse.com/docs/interfaces/cli#cli-queries-with-parameters
 */

/** Text form of an IPv6 column, IPv4-mapped addresses as dotted quads (matches core/net/ip.ts formatIp). */
export function ipText(column: string): string {
  return `replaceRegexpOne(IPv6NumToString(${column}), '^::ffff:([0-9.]+)$', '\\\\1')`;
}

const SAMPLE_TYPE =
  'Tuple(time String, srcIp String, dstIp String, srcPort UInt16, dstPort UInt16, protocol UInt8, ' +
  'direction String, action String, state String, packetsSent UInt64, bytesSent UInt64, packetsReceived UInt64, ' +
  'bytesReceived UInt64, nsg String, rule String, mac String, format String)';

/** Every tuple field of a flow, as a named tuple (JSON object in JSONEachRow output). */
export const SAMPLE_TUPLE =
  `CAST(tuple(formatDateTime(time, '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC'), ${ipText('src_ip')}, ${ipText('dst_ip')}, ` +
  'src_port, dst_port, protocol, toString(direction), toString(action), toString(state), ' +
  'packets_sent, bytes_sent, packets_received, bytes_received, toString(nsg), toString(rule), toString(mac), toString(format)), ' +
  `'${SAMPLE_TYPE}')`;

/** An empty sample list of the same type (rows read from a rollup, which keeps no flows). */
export const NO_SAMPLES = `CAST([], 'Array(${SAMPLE_TYPE})')`;

/** `groupArray(n)(…)` of sample tuples, latest first is not guaranteed; enough to show an analyst. */
export function samples(n: number): string {
  return `groupArray(${Math.max(1, Math.floor(n))})(${SAMPLE_TUPLE})`;
}

export const SampleFlowRowSchema = z.object({
  time: z.string(),
  srcIp: z.string(),
  dstIp: z.string(),
  srcPort: z.coerce.number(),
  dstPort: z.coerce.number(),
  protocol: z.coerce.number(),
  direction: z.enum(['inbound', 'outbound']),
  action: z.enum(['allow', 'deny']),
  state: z.string(),
  packetsSent: z.coerce.number(),
  bytesSent: z.coerce.number(),
  packetsReceived: z.coerce.number(),
  bytesReceived: z.coerce.number(),
  nsg: z.string(),
  rule: z.string(),
  mac: z.string(),
  format: z.string(),
});
export const SamplesSchema = z.array(SampleFlowRowSchema);

/** Sorted by time so evidence reads chronologically. */
export function sortSamples(rows: SampleFlow[]): SampleFlow[] {
  return [...rows].sort((a, b) => a.time.localeCompare(b.time));
}

/** DateTime64(3) parameter text for a Date: the one time module's `chTime` (core/clickhouse/time.ts). */
export const dt = (d: Date): string => chTime(d);

/** Window parameters every analyzer query uses. */
export function windowParams(window: AnalysisWindow): { from: string; to: string } {
  return { from: dt(window.from), to: dt(window.to) };
}

/** Raw `flows` rows in `[{from}, {to})` (parameter names), pruning parts and granules (`timeRangeSql`). */
export function rawTimeRange(from: string, to: string): string {
  const p = (name: string) => `{${name}:DateTime64(3, 'UTC')}`;
  return timeRangeSql(p(from), p(to));
}

/** The shared `WHERE` prefix of raw reads: the window, pruning parts and granules ({@link rawTimeRange}). */
export const IN_WINDOW = rawTimeRange('from', 'to');

/** A ClickHouse time column read as ISO-8601 (the Finding contract's form). */
export const TimeText = chIsoTime;

/**
 * The window an analyzer actually queries: `from` moved back to a bucket boundary (tumbling
 * buckets make results independent of how a run was sliced) and, for analyzers that need a span
 * longer than the run (beaconing), back to `to - spanSeconds`.
 */
export function expandWindow(window: AnalysisWindow, bucketSeconds: number, spanSeconds = 0): AnalysisWindow {
  const bucketMs = Math.max(1, bucketSeconds) * 1000;
  const spanFrom = window.to.getTime() - spanSeconds * 1000;
  const from = Math.min(window.from.getTime(), spanFrom);
  return { from: new Date(Math.floor(from / bucketMs) * bucketMs), to: window.to };
}

/**
 * `(keys) IN (groups of the window whose cheap aggregate passes `having`)`: the first pass of a
 * two-pass analyzer query. Without it the detecting `GROUP BY` keeps samples, port lists and exact
 * sets for every group of the window (about one per flow for (source, target, 5 minutes)) and formats
 * a sample tuple for every row; with it those heavy states exist only for the few candidate groups,
 * so a query's memory and time follow its result, not the window's rows. `having` must be a
 * necessary condition of the outer `HAVING` (a superset of the groups it keeps).
 */
export function candidateGroups(keys: string, where: string, having: string): string {
  return `(${keys}) IN (SELECT ${keys} FROM flows WHERE ${where} GROUP BY ${keys} HAVING ${having})`;
}

/**
 * {@link candidateGroups} for a distinct count (`uniqExact(counted) > n` and the like): the groups of
 * the window with `having` on `count()` of their distinct `counted` values, counted as distinct
 * (group, value) rows first. Same groups as `uniqExact` in the `HAVING`, but no exact set per group:
 * over a long window (`flowlens analyze` over 7 days) the sets of millions of (source, port,
 * 5 minutes) groups peaked the process at 2.8 GB (embedded chDB aggregates in it), and a `GROUP BY`
 * without aggregate states spills to disk above `max_bytes_before_external_group_by` (execute.ts).
 */
export function distinctCountCandidates(
  keys: string,
  where: string,
  counted: string,
  having: string,
): string {
  const pairs = `SELECT (${keys}) AS k, ${counted} AS v FROM flows WHERE ${where} GROUP BY k, v`;
  return `(${keys}) IN (SELECT k FROM (${pairs}) GROUP BY k HAVING ${having})`;
}

/** The tumbling bucket of a row, `{bucket:UInt32}` seconds wide. */
export const BUCKET = 'toStartOfInterval(time, toIntervalSecond({bucket:UInt32}))';
