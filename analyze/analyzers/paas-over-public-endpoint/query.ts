import { z } from 'zod';
import { enrichSql } from '../../../core/enrich/tables.js';
import type { AnalysisWindow, AnalyzerQuery } from '../../analyzer.js';
import { IN_WINDOW, ipText, TimeText, windowParams } from '../../sql.js';
import type { PaasOverPublicConfig } from './config.js';

export const PaasRowSchema = z.object({
  localIp: z.string(),
  service: z.string(),
  tags: z.array(z.string()),
  flows: z.coerce.number(),
  bytes: z.coerce.number(),
  peers: z.array(z.string()),
  topNsg: z.string(),
  firstSeen: TimeText,
  lastSeen: TimeText,
});
export type PaasRow = z.infer<typeof PaasRowSchema>;

/**
 * Allowed outbound flows from VNet addresses to public addresses whose service tag is one of the
 * PaaS services, per local address and service (subnets are formed in detect.ts). Needs service
 * tags loaded (`flowlens enrich service-tags import|sync`); without them nothing matches.
 */
export function paasQuery(config: PaasOverPublicConfig, window: AnalysisWindow): AnalyzerQuery<PaasRow> {
  const sql = `
WITH ${enrichSql.serviceTag()} AS tag, splitByChar('.', tag)[1] AS service
SELECT ${ipText('local_ip')} AS localIp, service, arraySort(groupUniqArray(10)(tag)) AS tags,
  count() AS flows, sum(bytes_sent + bytes_received) AS bytes,
  arrayMap(x -> ${ipText('x')}, groupUniqArray(10)(remote_ip)) AS peers,
  toString(topK(1)(nsg)[1]) AS topNsg, min(time) AS firstSeen, max(time) AS lastSeen
FROM flows
WHERE ${IN_WINDOW} AND direction = 'outbound' AND action = 'allow' AND remote_is_public
  AND tag != '' AND service IN {services:Array(String)}
GROUP BY local_ip, service
ORDER BY localIp, service`;
  return { sql, params: { ...windowParams(window), services: config.services }, row: PaasRowSchema };
}
