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
import type { PortScanConfig } from './config.js';

export const ScanBucketRowSchema = z.object({
  ip: z.string(),
  target: z.string(),
  bucket: TimeText,
  ports: z.coerce.number(),
  flows: z.coerce.number(),
  bytes: z.coerce.number(),
  allowed: z.coerce.number(),
  answered: z.coerce.number(),
  publicSource: z.coerce.number(),
  portList: z.array(z.coerce.number()),
  firstSeen: TimeText,
  lastSeen: TimeText,
  samples: SamplesSchema,
});
export type ScanBucketRow = z.infer<typeof ScanBucketRowSchema>;

/**
 * Distinct destination ports per (source, target) in tumbling buckets (a vertical scan; many
 * hosts on one port is a sweep, see port-sweep). The source of a tuple is the
 * initiator for both directions (inbound: the remote end; outbound: the local one).
 * `answered` = tuples with traffic both ways (the scanned port responded).
 */
export function portScanQuery(config: PortScanConfig, window: AnalysisWindow): AnalyzerQuery<ScanBucketRow> {
  const sql = `
SELECT ${ipText('src_ip')} AS ip, ${ipText('dst_ip')} AS target,
  ${BUCKET} AS bucket,
  uniqExact(dst_port) AS ports, count() AS flows, sum(bytes_sent + bytes_received) AS bytes,
  countIf(action = 'allow') AS allowed,
  countIf(action = 'allow' AND bytes_sent > 0 AND bytes_received > 0) AS answered,
  max(direction = 'inbound' AND remote_is_public) AS publicSource,
  arraySlice(arraySort(groupUniqArray(1000)(dst_port)), 1, 100) AS portList,
  min(time) AS firstSeen, max(time) AS lastSeen,
  ${samples(config.sampleFlows)} AS samples
FROM flows
WHERE ${IN_WINDOW} AND ${distinctCountCandidates(`src_ip, dst_ip, ${BUCKET}`, IN_WINDOW, 'dst_port', 'count() > {minPorts:UInt32}')}
GROUP BY src_ip, dst_ip, bucket
HAVING ports > {minPorts:UInt32}
ORDER BY ip, target, bucket`;
  const w = expandWindow(window, config.bucketSeconds);
  return {
    sql,
    params: { ...windowParams(w), bucket: config.bucketSeconds, minPorts: config.minPorts },
    row: ScanBucketRowSchema,
  };
}
