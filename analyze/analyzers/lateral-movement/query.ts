import { z } from 'zod';
import type { AnalysisWindow, AnalyzerQuery } from '../../analyzer.js';
import { daySplit, ROLLUP_DAYS, ROLLUP_HOURS, ROLLUP_HOURS_AROUND_DAYS, rawEdges } from '../../lookback.js';
import { dt, IN_WINDOW, ipText, SamplesSchema, samples, TimeText, windowParams } from '../../sql.js';
import type { LateralMovementConfig } from './config.js';

export const LateralRowSchema = z.object({
  ip: z.string(),
  remote: z.string(),
  port: z.coerce.number(),
  protocol: z.coerce.number(),
  flows: z.coerce.number(),
  bytes: z.coerce.number(),
  topRule: z.string(),
  topNsg: z.string(),
  srcWeb: z.coerce.number(),
  dstDc: z.coerce.number(),
  dstData: z.coerce.number(),
  /** Distinct hosts the source reached on this port in the look-back (≥ 2: an admin/jump host). */
  adminPeers: z.coerce.number(),
  firstSeen: TimeText,
  lastSeen: TimeText,
  dataStart: TimeText,
  samples: SamplesSchema,
});
export type LateralRow = z.infer<typeof LateralRowSchema>;

/**
 * Allowed internal connections on management ports in the window whose (source, destination, port)
 * never occurred in the look-back before it, with the tiers of both ends inferred over the whole
 * range. The responder must have accepted it (an allowed inbound row, or bytes back): a sweep's
 * probes that the target's NSG dropped are the sweep's evidence, not movement. Both NICs may log one connection; bytes come from the responder's (inbound) rows when it
 * has any, so a session is not counted twice.
 *
 * Incremental (issue 17): the look-back's whole days come from `flows_internal_1d` (migration 0780),
 * its other whole hours from the hourly rollup of migration 0730 (`flows_internal_1h`: known pairs,
 * admin peers, served ports; partitioned by day since 0740, so a read stays within the look-back's
 * days) and `flows_span_1h` (where the data starts); raw `flows` is read only for the window and the partial hours at both ends of the
 * look-back (`[baseFrom, firstHour)` and `[lastHour, from)`), so the answer is exactly that of the
 * raw range while a tick's cost follows its window, not the stored days.
 */
export function lateralMovementQuery(
  config: LateralMovementConfig,
  window: AnalysisWindow,
): AnalyzerQuery<LateralRow> {
  const sql = `
WITH ${dataStart()} AS dataStart, ${CAND}
SELECT ${ipText('src_ip')} AS ip, ${ipText('dst_ip')} AS remote, dst_port AS port, protocol,
  count() AS flows,
  if(countIf(direction = 'inbound') > 0, sumIf(bytes_sent + bytes_received, direction = 'inbound'),
     sum(bytes_sent + bytes_received)) AS bytes,
  toString(topK(1)(rule_name)[1]) AS topRule, toString(topK(1)(nsg)[1]) AS topNsg,
  max(src_ip IN (${served('(80, 443)', '{webSources:UInt32}', true, 'src_ip')})) AS srcWeb,
  max(dst_ip IN (${served('(88, 389)', '{dcSources:UInt32}', false, 'dst_ip')})) AS dstDc,
  max(dst_ip IN (${served('{dataPorts:Array(UInt16)}', '2', false, 'dst_ip')})) AS dstData,
  any(ifNull(a.peers, 0)) AS adminPeers,
  min(time) AS firstSeen, max(time) AS lastSeen, dataStart, ${samples(config.sampleFlows)} AS samples
FROM flows
LEFT JOIN (
  SELECT src_ip AS a_src, dst_port AS a_port, uniqExact(dst_ip) AS peers FROM (${knownPairs(CAND_SOURCES)})
  GROUP BY src_ip, dst_port
) AS a ON flows.src_ip = a.a_src AND flows.dst_port = a.a_port
WHERE ${IN_WINDOW} AND ${MGMT}
  AND (src_ip, dst_ip, dst_port) NOT IN (SELECT src_ip, dst_ip, dst_port FROM (${knownPairs(CAND_PAIRS)}))
GROUP BY src_ip, dst_ip, dst_port, protocol
HAVING countIf(direction = 'inbound') > 0 OR sum(bytes_received) > 0
ORDER BY ip, remote, port`;
  return { sql, params: lateralParams(config, window), row: LateralRowSchema };
}

function lateralParams(config: LateralMovementConfig, window: AnalysisWindow): Record<string, unknown> {
  const baseFrom = new Date(window.from.getTime() - config.lookbackHours * 3_600_000);
  return {
    ...windowParams(window),
    baseFrom: dt(baseFrom),
    ...daySplit(baseFrom, window.from),
    ports: config.ports,
    dataPorts: config.dataPorts,
    webSources: config.webSources,
    dcSources: config.dcSources,
  };
}

const MGMT = `action = 'allow' AND NOT remote_is_public AND dst_port IN {ports:Array(UInt16)}`;
const HOURS = ROLLUP_HOURS;
const EDGES = (end: string) => rawEdges('baseFrom', end);

/**
 * Rows of the internal-pair rollups over the look-back's whole hours: whole days from
 * `flows_internal_1d` (migration 0780), the hours around them from `flows_internal_1h`.
 */
function internalRollups(columns: string, where: string): string {
  return `SELECT ${columns} FROM flows_internal_1d WHERE ${ROLLUP_DAYS} AND ${where}
    UNION ALL SELECT ${columns} FROM flows_internal_1h WHERE ${ROLLUP_HOURS_AROUND_DAYS} AND ${where}`;
}

/**
 * The window's management pairs: the look-back is read only for them (every window row the outer
 * query keeps has its pair here, so filtering the look-back by it changes no answer).
 */
const CAND = `cand AS (SELECT DISTINCT dst_port, dst_ip, src_ip FROM flows WHERE ${IN_WINDOW} AND ${MGMT})`;
const CAND_PAIRS = '(dst_port, dst_ip, src_ip) IN (SELECT dst_port, dst_ip, src_ip FROM cand)';
const CAND_SOURCES = '(dst_port, src_ip) IN (SELECT dst_port, src_ip FROM cand)';

/** (source, destination, port) of the allowed internal management flows in the look-back, for `only`. */
function knownPairs(only: string): string {
  return `SELECT src_ip, dst_ip, dst_port FROM flows WHERE ${EDGES('from')} AND ${MGMT} AND ${only}
    UNION ALL ${internalRollups('src_ip, dst_ip, dst_port', `${MGMT} AND ${only}`)}`;
}

/**
 * Hosts that answered ≥ `minSources` distinct (public or private) clients on `ports` over the range,
 * among the window's candidates' `end` (their sources or destinations: the only hosts asked about).
 */
function served(ports: string, minSources: string, publicPeers: boolean, end: 'src_ip' | 'dst_ip'): string {
  const where =
    `direction = 'inbound' AND action = 'allow' AND ${publicPeers ? '' : 'NOT '}remote_is_public ` +
    `AND dst_port IN ${ports} AND dst_ip IN (SELECT ${end} FROM cand)`;
  // Inbound rows: the local host is the destination, the client the source (migration 0001).
  return `SELECT local_ip FROM (
      SELECT dst_ip AS local_ip, src_ip AS remote_ip FROM flows WHERE ${EDGES('to')} AND ${where}
      UNION ALL ${internalRollups('dst_ip AS local_ip, src_ip AS remote_ip', where)})
    GROUP BY local_ip HAVING uniqExact(remote_ip) >= ${minSources}`;
}

/** Earliest flow of the look-back and window: raw edges, then the span rollup's whole hours. */
function dataStart(): string {
  return `(SELECT min(t) FROM (
    SELECT min(time) AS t FROM flows WHERE ${EDGES('to')} HAVING count() > 0
    UNION ALL SELECT min(first_seen) AS t FROM flows_span_1h WHERE ${HOURS} HAVING count() > 0))`;
}
