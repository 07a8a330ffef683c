import { z } from 'zod';
import type { AnalysisWindow, AnalyzerQuery } from '../../analyzer.js';
import { dt, expandWindow, ipText, SamplesSchema, samples, TimeText } from '../../sql.js';
import type { ExfiltrationConfig } from './config.js';
import { destinationKeySql } from './groups.js';

export const EgressHourRowSchema = z.object({
  ip: z.string(),
  /** Destination group key: `tag:<service tag>`, `asn:<n>` or `ip:<address>` (groups.ts). */
  dest: z.string(),
  /** The group's address that received most in the hour (the finding names it). */
  remote: z.string(),
  /** Distinct addresses of the group that received bytes in the hour. */
  remotes: z.coerce.number(),
  hour: TimeText,
  bytes: z.coerce.number(),
  flows: z.coerce.number(),
  firstSeen: TimeText,
  lastSeen: TimeText,
  /** First time any local host opened a connection to the group in the look-back. */
  fleetFirst: TimeText,
  /** Earliest flow in the look-back at all: how far back "never seen" reaches. */
  dataStart: TimeText,
  samples: SamplesSchema,
});
export type EgressHourRow = z.infer<typeof EgressHourRowSchema>;

/**
 * Bytes each local host sent per hour to each public destination group (groups.ts: service tag,
 * AS or address) on connections it opened (`direction = 'outbound'`, so `bytes_sent` is the host's
 * upload; downloads and answers to remote-initiated connections never count), over the window plus
 * the look-back. Only (host, group) pairs that sent at least min(minBytes, cumulativeBytes) inside
 * the window come back, with their history. Only `C`/`E` rows carry counters, so summing every row
 * sums the deltas. The group key is looked up at query time (docs/enrichment.md).
 */
export function exfiltrationQuery(
  config: ExfiltrationConfig,
  window: AnalysisWindow,
): AnalyzerQuery<EgressHourRow> {
  const range = `time >= {baseFrom:DateTime64(3, 'UTC')} AND time < {to:DateTime64(3, 'UTC')}`;
  const egress = `remote_is_public AND direction = 'outbound' AND action = 'allow' AND bytes_sent > 0`;
  const key = destinationKeySql(config.destinationGroups);
  const sql = `
WITH (SELECT min(time) FROM flows WHERE ${range}) AS dataStart
SELECT ${ipText('h.local_ip')} AS ip, h.dest AS dest, ${ipText('h.top')} AS remote, h.remotes AS remotes,
  h.hour AS hour, h.bytes AS bytes, h.flows AS flows, h.firstSeen AS firstSeen, h.lastSeen AS lastSeen,
  r.fleetFirst AS fleetFirst, dataStart, h.samples AS samples
FROM (
  SELECT local_ip, ${key.sql} AS dest, toStartOfHour(time) AS hour, sum(bytes_sent) AS bytes, count() AS flows,
    argMax(remote_ip, bytes_sent) AS top, uniqExact(remote_ip) AS remotes,
    min(time) AS firstSeen, max(time) AS lastSeen, ${samples(config.sampleFlows)} AS samples
  FROM flows
  WHERE ${range} AND ${egress} AND (local_ip, ${key.sql}) IN (
    SELECT local_ip, ${key.sql} FROM flows
    WHERE time >= {from:DateTime64(3, 'UTC')} AND time < {to:DateTime64(3, 'UTC')} AND ${egress}
    GROUP BY 1, 2 HAVING sum(bytes_sent) >= {floor:UInt64})
  GROUP BY local_ip, dest, hour
) AS h
INNER JOIN (
  SELECT ${key.sql} AS dest, min(time) AS fleetFirst FROM flows
  WHERE ${range} AND remote_is_public AND direction = 'outbound' GROUP BY dest
) AS r ON h.dest = r.dest
ORDER BY ip, dest, hour`;
  const w = expandWindow(window, 3600);
  const baseFrom = new Date(w.from.getTime() - config.lookbackHours * 3_600_000);
  return {
    sql,
    params: {
      from: dt(w.from),
      to: dt(w.to),
      baseFrom: dt(baseFrom),
      floor: Math.min(config.minBytes, config.cumulativeBytes),
      ...key.params,
    },
    row: EgressHourRowSchema,
  };
}
