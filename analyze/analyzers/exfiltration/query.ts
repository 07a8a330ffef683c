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
  baselineHours: z.coerce.number(),
  baselineMean: z.coerce.number(),
  baselineStd: z.coerce.number(),
  baselineMax: z.coerce.number(),
});
export type EgressHourRow = z.infer<typeof EgressHourRowSchema>;

/**
 * Bytes each local host *sent* to public addresses per hour. Direction matters: on outbound tuples
 * the local host is the source, so its bytes are `bytes_sent`; on inbound tuples (the remote end
 * initiated) its bytes are `bytes_received` (destination→source). Downloads therefore never count.
 * Only `C`/`E` tuples carry counters (B rows are zero), so summing all rows is summing the deltas.
 * Private, platform (168.63.129.16) and link-local peers are not egress (`remote_is_public`).
 * A destination is "new" when the host did not send to it in the look-back before the window.
 */
export function exfiltrationQuery(
  config: ExfiltrationConfig,
  window: AnalysisWindow,
): AnalyzerQuery<EgressHourRow> {
  const egress = `remote_is_public AND action = 'allow' AND ${LOCAL_BYTES_OUT} > 0`;
  const baseline = `time >= {baseFrom:DateTime64(3, 'UTC')} AND time < {from:DateTime64(3, 'UTC')} AND ${egress}`;
  const sql = `
SELECT ${ipText('c.local_ip')} AS ip, c.hour AS hour, c.bytes AS bytes, c.newBytes AS newBytes,
  c.destinations AS destinations, c.newDestinations AS newDestinations, c.flows AS flows,
  c.topDestinations AS topDestinations, c.firstSeen AS firstSeen, c.lastSeen AS lastSeen, c.samples AS samples,
  b.hours AS baselineHours, b.mean AS baselineMean, b.std AS baselineStd, b.peak AS baselineMax
FROM (
  SELECT local_ip, toStartOfHour(time) AS hour, sum(out) AS bytes, sumIf(out, NOT known) AS newBytes,
    uniqExact(remote_ip) AS destinations, uniqExactIf(remote_ip, NOT known) AS newDestinations, count() AS flows,
    arrayMap(x -> ${ipText('x')}, topKWeighted(5)(remote_ip, out)) AS topDestinations,
    min(time) AS firstSeen, max(time) AS lastSeen, ${samples(config.sampleFlows)} AS samples
  FROM (
    SELECT *, local_ip, remote_ip, ${LOCAL_BYTES_OUT} AS out,
      (local_ip, remote_ip) IN (SELECT local_ip, remote_ip FROM flows WHERE ${baseline}) AS known
    FROM flows WHERE ${IN_WINDOW} AND ${egress}
  )
  GROUP BY local_ip, hour
  HAVING bytes >= {minBytes:UInt64}
) AS c
LEFT JOIN (
  SELECT local_ip, count() AS hours, avg(b) AS mean, stddevPop(b) AS std, max(b) AS peak
  FROM (SELECT local_ip, toStartOfHour(time) AS h, sum(${LOCAL_BYTES_OUT}) AS b FROM flows WHERE ${baseline} GROUP BY local_ip, h)
  GROUP BY local_ip
) AS b ON c.local_ip = b.local_ip
ORDER BY ip, hour`;
  const w = expandWindow(window, 3600);
  const baseFrom = new Date(w.from.getTime() - config.lookbackHours * 3_600_000);
  return {
    sql,
    params: { from: dt(w.from), to: dt(w.to), baseFrom: dt(baseFrom), minBytes: config.minBytes },
    row: EgressHourRowSchema,
  };
}
