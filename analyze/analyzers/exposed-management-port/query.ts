import { z } from 'zod';
import type { AnalysisWindow, AnalyzerQuery } from '../../analyzer.js';
import { IN_WINDOW, ipText, SamplesSchema, samples, TimeText, windowParams } from '../../sql.js';
import type { ExposedManagementPortConfig } from './config.js';

export const ExposureRowSchema = z.object({
  ip: z.string(),
  port: z.coerce.number(),
  protocol: z.coerce.number(),
  topNsg: z.string(),
  topRule: z.string(),
  /** The distinct rules that allowed the flows: `[nsg, acl_id, subscription_id, resource_group, rule_name, rule_kind]`. */
  ruleKeys: z.array(z.array(z.string())),
  flows: z.coerce.number(),
  sources: z.coerce.number(),
  sourceIps: z.array(z.string()),
  established: z.coerce.number(),
  bytes: z.coerce.number(),
  packets: z.coerce.number(),
  firstSeen: TimeText,
  lastSeen: TimeText,
  samples: SamplesSchema,
});
export type ExposureRow = z.infer<typeof ExposureRowSchema>;

/**
 * Allowed inbound tuples from public sources to the configured ports, per local address and port.
 * "Established" = traffic both ways, or a `C` (continuing) tuple: the connection got past a
 * handshake. Denied tuples are attempts, not exposure, and are excluded.
 */
export function exposureQuery(
  config: ExposedManagementPortConfig,
  window: AnalysisWindow,
): AnalyzerQuery<ExposureRow> {
  const sql = `
SELECT ${ipText('local_ip')} AS ip, dst_port AS port, protocol,
  toString(topK(1)(nsg)[1]) AS topNsg, toString(topK(1)(rule)[1]) AS topRule,
  groupUniqArray([toString(nsg), toString(acl_id), toString(subscription_id), toString(resource_group),
    toString(rule_name), toString(rule_kind)]) AS ruleKeys,
  count() AS flows, uniqExact(remote_ip) AS sources,
  arrayMap(x -> ${ipText('x')}, groupUniqArray(1000)(remote_ip)) AS sourceIps,
  countIf((bytes_sent > 0 AND bytes_received > 0) OR state = 'continue') AS established,
  sum(bytes_sent + bytes_received) AS bytes, sum(packets_sent + packets_received) AS packets,
  min(time) AS firstSeen, max(time) AS lastSeen,
  ${samples(config.sampleFlows)} AS samples
FROM flows
WHERE ${IN_WINDOW} AND direction = 'inbound' AND action = 'allow' AND remote_is_public
  AND dst_port IN {ports:Array(UInt16)}
GROUP BY local_ip, dst_port, protocol
ORDER BY ip, port, protocol`;
  return { sql, params: { ...windowParams(window), ports: config.ports }, row: ExposureRowSchema };
}
