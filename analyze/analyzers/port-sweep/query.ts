import { z } from 'zod';
import type { AnalysisWindow, AnalyzerQuery } from '../../analyzer.js';
import {
  BUCKET,
  distinctCountCandidates,
  expandWindow,
  IN_WINDOW,
  ipText,
  SamplesSchema,
  samples,
  TimeText,
  windowParams,
} from '../../sql.js';
import type { PortSweepConfig } from './config.js';

export const SweepBucketRowSchema = z.object({
  ip: z.string(),
  port: z.coerce.number(),
  protocol: z.coerce.number(),
  bucket: TimeText,
  hosts: z.coerce.number(),
  flows: z.coerce.number(),
  bytes: z.coerce.number(),
  allowed: z.coerce.number(),
  answered: z.coerce.number(),
  publicSource: z.coerce.number(),
  targetIps: z.array(z.string()),
  firstSeen: TimeText,
  lastSeen: TimeText,
  samples: SamplesSchema,
});
export type SweepBucketRow = z.infer<typeof SweepBucketRowSchema>;

/** Distinct destination hosts per (source, port, protocol) in tumbling buckets; denied tuples included. */
export function portSweepQuery(
  config: PortSweepConfig,
  window: AnalysisWindow,
): AnalyzerQuery<SweepBucketRow> {
  const sql = `
SELECT ${ipText('src_ip')} AS ip, dst_port AS port, protocol,
  ${BUCKET} AS bucket,
  uniqExact(dst_ip) AS hosts, count() AS flows, sum(bytes_sent + bytes_received) AS bytes,
  countIf(action = 'allow') AS allowed,
  countIf(action = 'allow' AND bytes_sent > 0 AND bytes_received > 0) AS answered,
  max(direction = 'inbound' AND remote_is_public) AS publicSource,
  arrayMap(x -> ${ipText('x')}, groupUniqArray(50)(dst_ip)) AS targetIps,
  min(time) AS firstSeen, max(time) AS lastSeen,
  ${samples(config.sampleFlows)} AS samples
FROM flows
WHERE ${IN_WINDOW}
  AND ${distinctCountCandidates(`src_ip, dst_port, protocol, ${BUCKET}`, IN_WINDOW, 'dst_ip', 'count() > {minHosts:UInt32}')}
GROUP BY src_ip, dst_port, protocol, bucket
HAVING hosts > {minHosts:UInt32}
ORDER BY ip, port, bucket`;
  const w = expandWindow(window, config.bucketSeconds);
  return {
    sql,
    params: { ...windowParams(w), bucket: config.bucketSeconds, minHosts: config.minHosts },
    row: SweepBucketRowSchema,
  };
}
