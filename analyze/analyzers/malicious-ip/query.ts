import { z } from 'zod';
import { enrichSql } from '../../../core/enrich/tables.js';
import type { AnalysisWindow, AnalyzerQuery } from '../../analyzer.js';
import { IN_WINDOW, ipText, SamplesSchema, samples, TimeText, windowParams } from '../../sql.js';
import type { MaliciousIpConfig } from './config.js';

export const ListedRowSchema = z.object({
  list: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  action: z.enum(['allow', 'deny']),
  /** Empty for denied rows: those are aggregated per list. */
  localIp: z.string(),
  remoteIp: z.string(),
  confidence: z.coerce.number(),
  flows: z.coerce.number(),
  bytes: z.coerce.number(),
  packets: z.coerce.number(),
  peers: z.coerce.number(),
  locals: z.coerce.number(),
  ports: z.array(z.coerce.number()),
  topNsg: z.string(),
  topRule: z.string(),
  firstSeen: TimeText,
  lastSeen: TimeText,
  samples: SamplesSchema,
});
export type ListedRow = z.infer<typeof ListedRowSchema>;

/**
 * Flows whose peer is on a threat-intel list, looked up at query time in the intel dictionary, so a
 * list update is seen by the next analysis run. Allowed flows per (list, direction, local, peer);
 * denied flows per (list, direction) only.
 */
export function listedQuery(config: MaliciousIpConfig, window: AnalysisWindow): AnalyzerQuery<ListedRow> {
  const allowed = `action = 'allow'`;
  const sql = `
SELECT list, toString(direction) AS direction, toString(action) AS action,
  if(${allowed}, ${ipText('local_ip')}, '') AS localIp, if(${allowed}, ${ipText('remote_ip')}, '') AS remoteIp,
  max(dictGetOrDefault('enrich_intel_dict', 'confidence', remote_ip, toUInt8(0))) AS confidence,
  count() AS flows, sum(bytes_sent + bytes_received) AS bytes, sum(packets_sent + packets_received) AS packets,
  uniqExact(remote_ip) AS peers, uniqExact(local_ip) AS locals, arraySort(groupUniqArray(20)(dst_port)) AS ports,
  toString(topK(1)(nsg)[1]) AS topNsg, toString(topK(1)(rule)[1]) AS topRule,
  min(time) AS firstSeen, max(time) AS lastSeen, ${samples(config.sampleFlows)} AS samples
FROM flows ARRAY JOIN ${enrichSql.threatLists()} AS list
WHERE ${IN_WINDOW} AND list NOT IN {ignore:Array(String)}
GROUP BY list, direction, action, localIp, remoteIp
ORDER BY list, direction, action, localIp, remoteIp`;
  return { sql, params: { ...windowParams(window), ignore: config.ignoreLists }, row: ListedRowSchema };
}
