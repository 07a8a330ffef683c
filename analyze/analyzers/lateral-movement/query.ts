import { z } from 'zod';
import type { AnalysisWindow, AnalyzerQuery } from '../../analyzer.js';
import { dt, ipText, SamplesSchema, samples, TimeText, windowParams } from '../../sql.js';
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
 */
export function lateralMovementQuery(
  config: LateralMovementConfig,
  window: AnalysisWindow,
): AnalyzerQuery<LateralRow> {
  const range = `time >= {baseFrom:DateTime64(3, 'UTC')} AND time < {to:DateTime64(3, 'UTC')}`;
  const mgmt = `action = 'allow' AND NOT remote_is_public AND dst_port IN {ports:Array(UInt16)}`;
  const served = (ports: string, minSources: string, publicPeers: boolean) =>
    `SELECT local_ip FROM flows WHERE ${range} AND direction = 'inbound' AND action = 'allow'
      AND ${publicPeers ? '' : 'NOT '}remote_is_public AND dst_port IN ${ports}
      GROUP BY local_ip HAVING uniqExact(remote_ip) >= ${minSources}`;
  const sql = `
WITH (SELECT min(time) FROM flows WHERE ${range}) AS dataStart
SELECT ${ipText('src_ip')} AS ip, ${ipText('dst_ip')} AS remote, dst_port AS port, protocol,
  count() AS flows,
  if(countIf(direction = 'inbound') > 0, sumIf(bytes_sent + bytes_received, direction = 'inbound'),
     sum(bytes_sent + bytes_received)) AS bytes,
  toString(topK(1)(rule_name)[1]) AS topRule, toString(topK(1)(nsg)[1]) AS topNsg,
  max(src_ip IN (${served('(80, 443)', '{webSources:UInt32}', true)})) AS srcWeb,
  max(dst_ip IN (${served('(88, 389)', '{dcSources:UInt32}', false)})) AS dstDc,
  max(dst_ip IN (${served('{dataPorts:Array(UInt16)}', '2', false)})) AS dstData,
  any(ifNull(a.peers, 0)) AS adminPeers,
  min(time) AS firstSeen, max(time) AS lastSeen, dataStart, ${samples(config.sampleFlows)} AS samples
FROM flows
LEFT JOIN (
  SELECT src_ip AS a_src, dst_port AS a_port, uniqExact(dst_ip) AS peers FROM flows
  WHERE time >= {baseFrom:DateTime64(3, 'UTC')} AND time < {from:DateTime64(3, 'UTC')} AND ${mgmt}
  GROUP BY src_ip, dst_port
) AS a ON flows.src_ip = a.a_src AND flows.dst_port = a.a_port
WHERE time >= {from:DateTime64(3, 'UTC')} AND time < {to:DateTime64(3, 'UTC')} AND ${mgmt}
  AND (src_ip, dst_ip, dst_port) NOT IN (
    SELECT src_ip, dst_ip, dst_port FROM flows
    WHERE time >= {baseFrom:DateTime64(3, 'UTC')} AND time < {from:DateTime64(3, 'UTC')} AND ${mgmt})
GROUP BY src_ip, dst_ip, dst_port, protocol
HAVING countIf(direction = 'inbound') > 0 OR sum(bytes_received) > 0
ORDER BY ip, remote, port`;
  const baseFrom = new Date(window.from.getTime() - config.lookbackHours * 3_600_000);
  return {
    sql,
    params: {
      ...windowParams(window),
      baseFrom: dt(baseFrom),
      ports: config.ports,
      dataPorts: config.dataPorts,
      webSources: config.webSources,
      dcSources: config.dcSources,
    },
    row: LateralRowSchema,
  };
}
