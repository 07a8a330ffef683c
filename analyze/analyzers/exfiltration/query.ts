import { z } from 'zod';
import type { AnalysisWindow, AnalyzerQuery } from '../../analyzer.js';
import { dt, expandWindow, ipText, SamplesSchema, samples, TimeText } from '../../sql.js';
import type { ExfiltrationConfig } from './config.js';

export const EgressHourRowSchema = z.object({
  ip: z.string(),
  remote: z.string(),
  hour: TimeText,
  bytes: z.coerce.number(),
  flows: z.coerce.number(),
  firstSeen: TimeText,
  lastSeen: TimeText,
  /** First time any local host opened a connection to `remote` in the look-back. */
  fleetFirst: TimeText,
  /** Earliest flow in the look-back at all: how far back "never seen" reaches. */
  dataStart: TimeText,
  samples: SamplesSchema,
});
export type EgressHourRow = z.infer<typeof EgressHourRowSchema>;

/**
 * Bytes each local host sent per hour to each public destination on connections it opened
 * (`direction = 'outbound'`, so `bytes_sent` is the host's upload; downloads and answers to
 * remote-initiated connections never count), over the window plus the look-back. Only pairs that
 * sent at least min(minBytes, cumulativeBytes) inside the window come back, with their history.
 * Only `C`/`E` rows carry counters, so summing every row sums the deltas.
 */
export function exfiltrationQuery(
  config: ExfiltrationConfig,
  window: AnalysisWindow,
): AnalyzerQuery<EgressHourRow> {
  const range = `time >= {baseFrom:DateTime64(3, 'UTC')} AND time < {to:DateTime64(3, 'UTC')}`;
  const egress = `remote_is_public AND direction = 'outbound' AND action = 'allow' AND bytes_sent > 0`;
  const sql = `
WITH (SELECT min(time) FROM flows WHERE ${range}) AS dataStart
SELECT ${ipText('h.local_ip')} AS ip, ${ipText('h.remote_ip')} AS remote, h.hour AS hour, h.bytes AS bytes,
  h.flows AS flows, h.firstSeen AS firstSeen, h.lastSeen AS lastSeen, r.fleetFirst AS fleetFirst,
  dataStart, h.samples AS samples
FROM (
  SELECT local_ip, remote_ip, toStartOfHour(time) AS hour, sum(bytes_sent) AS bytes, count() AS flows,
    min(time) AS firstSeen, max(time) AS lastSeen, ${samples(config.sampleFlows)} AS samples
  FROM flows
  WHERE ${range} AND ${egress} AND (local_ip, remote_ip) IN (
    SELECT local_ip, remote_ip FROM flows
    WHERE time >= {from:DateTime64(3, 'UTC')} AND time < {to:DateTime64(3, 'UTC')} AND ${egress}
    GROUP BY local_ip, remote_ip HAVING sum(bytes_sent) >= {floor:UInt64})
  GROUP BY local_ip, remote_ip, hour
) AS h
INNER JOIN (
  SELECT remote_ip, min(time) AS fleetFirst FROM flows
  WHERE ${range} AND remote_is_public AND direction = 'outbound' GROUP BY remote_ip
) AS r ON h.remote_ip = r.remote_ip
ORDER BY ip, remote, hour`;
  const w = expandWindow(window, 3600);
  const baseFrom = new Date(w.from.getTime() - config.lookbackHours * 3_600_000);
  return {
    sql,
    params: {
      from: dt(w.from),
      to: dt(w.to),
      baseFrom: dt(baseFrom),
      floor: Math.min(config.minBytes, config.cumulativeBytes),
    },
    row: EgressHourRowSchema,
  };
}
