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
import type { BruteForceConfig } from './config.js';

export const BruteBucketRowSchema = z.object({
  ip: z.string(),
  target: z.string(),
  port: z.coerce.number(),
  bucket: TimeText,
  attempts: z.coerce.number(),
  denied: z.coerce.number(),
  flows: z.coerce.number(),
  bytes: z.coerce.number(),
  maxTupleBytes: z.coerce.number(),
  continued: z.coerce.number(),
  publicSource: z.coerce.number(),
  firstSeen: TimeText,
  lastSeen: TimeText,
  samples: SamplesSchema,
});
export type BruteBucketRow = z.infer<typeof BruteBucketRowSchema>;

/** Allowed TCP connections (distinct source ports) per (source, target, port) in tumbling buckets. */
export function bruteForceQuery(
  config: BruteForceConfig,
  window: AnalysisWindow,
): AnalyzerQuery<BruteBucketRow> {
  const where = `${IN_WINDOW} AND protocol = 6 AND dst_port IN {ports:Array(UInt16)}`;
  const sql = `
SELECT ${ipText('src_ip')} AS ip, ${ipText('dst_ip')} AS target, dst_port AS port,
  ${BUCKET} AS bucket,
  uniqExactIf(src_port, action = 'allow') AS attempts,
  uniqExactIf(src_port, action = 'deny') AS denied,
  count() AS flows, sum(bytes_sent + bytes_received) AS bytes,
  max(bytes_sent + bytes_received) AS maxTupleBytes,
  countIf(state = 'continue') AS continued,
  max(direction = 'inbound' AND remote_is_public) AS publicSource,
  min(time) AS firstSeen, max(time) AS lastSeen,
  ${samples(config.sampleFlows)} AS samples
FROM flows
WHERE ${where}
  AND ${distinctCountCandidates(`src_ip, dst_ip, dst_port, ${BUCKET}`, `${where} AND action = 'allow'`, 'src_port', 'count() >= {minAttempts:UInt32}')}
GROUP BY src_ip, dst_ip, dst_port, bucket
HAVING attempts >= {minAttempts:UInt32}
ORDER BY ip, target, port, bucket`;
  const w = expandWindow(window, config.bucketSeconds);
  return {
    sql,
    params: {
      ...windowParams(w),
      bucket: config.bucketSeconds,
      minAttempts: config.minAttempts,
      ports: config.ports,
    },
    row: BruteBucketRowSchema,
  };
}
