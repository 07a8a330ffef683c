import { z } from 'zod';
import type { AnalysisWindow, AnalyzerQuery } from '../../analyzer.js';
import {
  dt,
  expandWindow,
  IN_WINDOW,
  ipText,
  LOCAL_BYTES_OUT,
  SamplesSchema,
  samples,
  TimeText,
} from '../../sql.js';
import type { ExfiltrationConfig } from './config.js';

export const EgressHourRowSchema = z.object({
  ip: z.string(),
  hour: TimeText,
  bytes: z.coerce.number(),
  newBytes: z.coerce.number(),
  destinations: z.coerce.number(),
  newDestinations: z.coerce.number(),
  flows: z.coerce.number(),
  topDestinations: z.array(z.string()),
  firstSeen: TimeText,
  lastSeen: TimeText,
  samples: SamplesSchema,
});
export type EgressHourRow = z.infer<typeof EgressHourRowSchema>;

/**
 * Bytes each local host *sent* to public addresses per hour, over the window plus the look-back
 * (the baseline of each hour is computed in TS from the hours before it).
 *
 * Direction matters: on outbound tuples the local host is the source, so its bytes are
 * `bytes_sent`; on inbound tuples (the remote end initiated) its bytes are `bytes_received`
 * (destination→source). Downloads therefore never count. Only `C`/`E` tuples carry counters (B rows
 * are zero), so summing all rows sums the deltas. Private, platform (168.63.129.16) and link-local
 * peers are not egress (`remote_is_public`).
 *
 * `newBytes`: bytes of flows the host initiated (outbound) to a destination it first sent to in that
 * same hour (never before within the look-back). A web server's replies to ever-new clients are not novel.
 * Only hosts with at least one hour ≥ `minBytes` inside the window are returned.
 */
export function exfiltrationQuery(
  config: ExfiltrationConfig,
  window: AnalysisWindow,
): AnalyzerQuery<EgressHourRow> {
  const egress = `remote_is_public AND action = 'allow' AND ${LOCAL_BYTES_OUT} > 0`;
  const all = `time >= {baseFrom:DateTime64(3, 'UTC')} AND time < {to:DateTime64(3, 'UTC')} AND ${egress}`;
  const sql = `
SELECT ${ipText('local_ip')} AS ip, hour, bytes, newBytes, destinations, newDestinations, flows,
  topDestinations, firstSeen, lastSeen, samples
FROM (
  SELECT e.local_ip AS local_ip, toStartOfHour(e.time) AS hour, sum(e.out) AS bytes,
    sumIf(e.out, e.isNew) AS newBytes, uniqExact(e.remote_ip) AS destinations,
    uniqExactIf(e.remote_ip, e.isNew) AS newDestinations, count() AS flows,
    arrayMap(x -> ${ipText('x')}, topKWeighted(5)(e.remote_ip, e.out)) AS topDestinations,
    min(e.time) AS firstSeen, max(e.time) AS lastSeen, ${samples(config.sampleFlows)} AS samples
  FROM (
    SELECT f.*, f.local_ip AS local_ip, f.remote_ip AS remote_ip, ${LOCAL_BYTES_OUT} AS out,
      f.direction = 'outbound' AND toStartOfHour(p.first) = toStartOfHour(f.time) AS isNew
    FROM flows AS f
    INNER JOIN (SELECT local_ip, remote_ip, min(time) AS first FROM flows WHERE ${all} GROUP BY local_ip, remote_ip) AS p
      ON f.local_ip = p.local_ip AND f.remote_ip = p.remote_ip
    WHERE ${all.replace(/time/g, 'f.time')} AND f.local_ip IN (
      SELECT local_ip FROM flows WHERE ${IN_WINDOW} AND ${egress}
      GROUP BY local_ip, toStartOfHour(time) HAVING sum(${LOCAL_BYTES_OUT}) >= {minBytes:UInt64})
  ) AS e
  GROUP BY local_ip, hour
)
ORDER BY ip, hour`;
  const w = expandWindow(window, 3600);
  const baseFrom = new Date(w.from.getTime() - config.lookbackHours * 3_600_000);
  return {
    sql,
    params: { from: dt(w.from), to: dt(w.to), baseFrom: dt(baseFrom), minBytes: config.minBytes },
    row: EgressHourRowSchema,
  };
}
