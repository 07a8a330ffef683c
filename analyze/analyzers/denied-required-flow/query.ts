import { z } from 'zod';
import type { AnalysisWindow, AnalyzerQuery } from '../../analyzer.js';
import { IN_WINDOW, ipText, SamplesSchema, samples, TimeText, windowParams } from '../../sql.js';
import type { DeniedRequiredFlowConfig } from './config.js';

export const DeniedFlowRowSchema = z.object({
  src: z.string(),
  dst: z.string(),
  port: z.coerce.number(),
  protocol: z.coerce.number(),
  dir: z.enum(['inbound', 'outbound']),
  topNsg: z.string(),
  topRule: z.string(),
  attempts: z.coerce.number(),
  hours: z.coerce.number(),
  firstSeen: TimeText,
  lastSeen: TimeText,
  samples: SamplesSchema,
});
export type DeniedFlowRow = z.infer<typeof DeniedFlowRowSchema>;

/**
 * Denied tuples per (source, destination, port, protocol) in the window, where the source is one of
 * ours (an internal peer on inbound denies, our host on outbound ones), with the denying NSG and
 * rule, kept when persistent and when the source is not denied on many other targets.
 */
export function deniedFlowQuery(
  config: DeniedRequiredFlowConfig,
  window: AnalysisWindow,
): AnalyzerQuery<DeniedFlowRow> {
  const mine = `${IN_WINDOW} AND action = 'deny' AND (direction = 'outbound' OR NOT remote_is_public)`;
  const sql = `
SELECT ${ipText('src_ip')} AS src, ${ipText('dst_ip')} AS dst, dst_port AS port, protocol,
  toString(any(direction)) AS dir, toString(topK(1)(nsg)[1]) AS topNsg, toString(topK(1)(rule)[1]) AS topRule,
  count() AS attempts, uniqExact(toStartOfHour(time)) AS hours, min(time) AS firstSeen, max(time) AS lastSeen,
  ${samples(config.sampleFlows)} AS samples
FROM flows
WHERE ${mine} AND src_ip NOT IN (
  SELECT src_ip FROM flows WHERE ${mine} GROUP BY src_ip HAVING uniqExact(dst_ip, dst_port) > {maxTargets:UInt32})
GROUP BY src_ip, dst_ip, dst_port, protocol
HAVING attempts >= {minAttempts:UInt32} AND hours >= {minHours:UInt32}
ORDER BY src, dst, port`;
  return {
    sql,
    params: {
      ...windowParams(window),
      maxTargets: config.maxTargets,
      minAttempts: config.minAttempts,
      minHours: config.minHours,
    },
    row: DeniedFlowRowSchema,
  };
}
