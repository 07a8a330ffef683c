import { z } from 'zod';
import { platformCutSql } from '../../../core/enrich/platform.js';
import type { AnalysisWindow, AnalyzerQuery } from '../../analyzer.js';
import { hourSplit, ROLLUP_HOURS, rawEdges } from '../../lookback.js';
import {
  candidateGroups,
  dt,
  expandWindow,
  IN_WINDOW,
  ipText,
  SAMPLE_TUPLE,
  SamplesSchema,
  windowParams,
} from '../../sql.js';
import type { BeaconingConfig } from './config.js';

export const BeaconRowSchema = z.object({
  ip: z.string(),
  remote: z.string(),
  port: z.coerce.number(),
  protocol: z.coerce.number(),
  connections: z.coerce.number(),
  starts: z.array(z.coerce.number()),
  /**
   * Bytes both ways per connection: per source port, its bytes over its connections (B or E rows),
   * so a port reused by two connections is not one double-size connection; zero without counters.
   */
  sizes: z.array(z.coerce.number()).default([]),
  bytesOut: z.coerce.number(),
  bytesIn: z.coerce.number(),
  peers: z.coerce.number(),
  /** Distinct days before the span on which any local host opened a connection to `remote`. */
  priorDays: z.coerce.number().default(0),
  samples: SamplesSchema,
});
export type BeaconRow = z.infer<typeof BeaconRowSchema>;

/**
 * Connection start times per (local host, public destination, port, protocol). Tuples are grouped
 * per source port; each `B` (begin) tuple in the group is a connection start (a port reused within
 * the span still counts every start); groups without a B row (NSG v1 has no states, or the window
 * cut the start off) count once, at their first tuple. Bytes sum every tuple (C/E carry the counters);
 * `sizes` has one entry per source port: its bytes per connection.
 * `peers` = how many local hosts talk to the destination at all (rare destinations are more suspect);
 * `priorDays` = on how many days before the span the fleet talked to it (steady = infrastructure).
 */
export function beaconQuery(config: BeaconingConfig, window: AnalysisWindow): AnalyzerQuery<BeaconRow> {
  const cut = platformCutSql(config.azurePlatform, 'dst_ip');
  const where = `${IN_WINDOW} AND direction = 'outbound' AND action = 'allow' AND remote_is_public AND ${cut.sql}`;
  // Every row adds at most one start, so a pair with no more rows than minConnections never beacons.
  const sql = `
SELECT ${ipText('c.src_ip')} AS ip, ${ipText('c.dst_ip')} AS remote, c.dst_port AS port, c.protocol AS protocol,
  arraySort(arrayFlatten(groupArray(c.startsMs))) AS starts, length(starts) AS connections,
  groupArray((c.o + c.i) / c.n) AS sizes, sum(c.o) AS bytesOut, sum(c.i) AS bytesIn, any(p.peers) AS peers, any(ifNull(h.days, 0)) AS priorDays,
  groupArray({samples:UInt32})(c.s) AS samples
FROM (
  SELECT src_ip, dst_ip, dst_port, protocol,
    if(countIf(state = 'begin') > 0, groupArrayIf(toUnixTimestamp64Milli(time), state = 'begin'),
       [toUnixTimestamp64Milli(min(time))]) AS startsMs,
    sum(bytes_sent) AS o, sum(bytes_received) AS i,
    greatest(countIf(state = 'begin'), countIf(state = 'end'), 1) AS n, argMin(${SAMPLE_TUPLE}, time) AS s
  FROM flows
  WHERE ${where}
    AND ${candidateGroups('src_ip, dst_ip, dst_port, protocol', where, 'count() > {minConnections:UInt32}')}
  GROUP BY src_ip, dst_ip, dst_port, protocol, src_port
) AS c
LEFT JOIN (
  SELECT dst_ip, uniqExact(src_ip) AS peers FROM flows
  WHERE ${IN_WINDOW} AND direction = 'outbound' AND remote_is_public GROUP BY dst_ip
) AS p ON c.dst_ip = p.dst_ip
LEFT JOIN (${priorDays()}) AS h ON c.dst_ip = h.dst_ip
GROUP BY c.src_ip, c.dst_ip, c.dst_port, c.protocol
HAVING connections > {minConnections:UInt32}
ORDER BY ip, remote, port`;
  const w = expandWindow(window, 60, config.spanSeconds);
  const historyFrom = new Date(w.from.getTime() - config.historyDays * 86_400_000);
  return {
    sql,
    params: {
      ...windowParams(w),
      historyFrom: dt(historyFrom),
      ...hourSplit(historyFrom, w.from),
      ...cut.params,
      minConnections: config.minConnections,
      samples: config.sampleFlows,
    },
    row: BeaconRowSchema,
  };
}

/**
 * Days before the span on which any local host opened a connection to each public address
 * (`priorDays`). Incremental (issue 17): the history's whole hours come from `flows_contact_1h`
 * (migration 0710: outbound rows to public addresses, any action, per hour), its partial hours at
 * both ends from raw `flows`; an hour lies in one UTC day, so the days counted are the same.
 */
function priorDays(): string {
  return `
  SELECT dst_ip, uniqExact(d) AS days FROM (
    SELECT dst_ip, toDate(time) AS d FROM flows
    WHERE ${rawEdges('historyFrom', 'from')} AND direction = 'outbound' AND remote_is_public
    UNION ALL SELECT remote_ip AS dst_ip, toDate(time) AS d FROM flows_contact_1h WHERE ${ROLLUP_HOURS})
  GROUP BY dst_ip`;
}
