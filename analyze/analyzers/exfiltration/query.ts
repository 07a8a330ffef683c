import { z } from 'zod';
import type { AnalysisWindow, AnalyzerQuery } from '../../analyzer.js';
import {
  dt,
  expandWindow,
  ipText,
  NO_SAMPLES,
  rawTimeRange,
  SamplesSchema,
  samples,
  TimeText,
} from '../../sql.js';
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

const TS = (name: string) => `{${name}:DateTime64(3, 'UTC')}`;
/** The raw rows of the window: from its first whole hour to its end. */
const WINDOW = rawTimeRange('from', 'to');
/** Rollup hours of the look-back before the window (both ends are whole hours). */
const HISTORY = `time >= ${TS('baseFrom')} AND time < ${TS('from')}`;
const EGRESS = `remote_is_public AND direction = 'outbound' AND action = 'allow' AND bytes_sent > 0`;
/** The rollups are read only when the window has a candidate pair (most ticks have none). */
const ANY_CANDIDATE = '(SELECT count() FROM cand) > 0';

type Key = ReturnType<typeof destinationKeySql>;

/**
 * Bytes each local host sent per hour to each public destination group (groups.ts: service tag,
 * AS or address) on connections it opened (`direction = 'outbound'`, so `bytes_sent` is the host's
 * upload; downloads and answers to remote-initiated connections never count), over the window plus
 * the look-back. Only (host, group) pairs that sent at least min(minBytes, cumulativeBytes) inside
 * the window come back, with their history. Only `C`/`E` rows carry counters, so summing every row
 * sums the deltas. The group key is looked up at query time (docs/enrichment.md).
 *
 * Incremental (issue 17): raw `flows` are read only from the window's first whole hour on; the
 * look-back comes from the hourly rollups of migration 0710 (`flows_egress_1h` for the pairs'
 * hourly bytes, `flows_contact_1h` for the fleet's first contact, `flows_span_1h` for where the data
 * starts), so a tick's cost follows its window and its candidates, not the stored history. Rollup
 * hours carry the same sums, counts, first/last times and distinct addresses as raw hours; their
 * `remote` is the address with the most bytes that hour and they have no sample flows (detection
 * reads only `hour` and `bytes` of look-back rows).
 */
export function exfiltrationQuery(
  config: ExfiltrationConfig,
  window: AnalysisWindow,
): AnalyzerQuery<EgressHourRow> {
  const key = destinationKeySql(config.destinationGroups);
  const sql = `
WITH ${dataStart()} AS dataStart,
  cand AS (SELECT local_ip, ${key.sql} AS dest FROM flows WHERE ${WINDOW} AND ${EGRESS}
    GROUP BY local_ip, dest HAVING sum(bytes_sent) >= {floor:UInt64})
SELECT ${ipText('h.local_ip')} AS ip, h.dest AS dest, ${ipText('h.top')} AS remote, h.remotes AS remotes,
  h.hour AS hour, h.bytes AS bytes, h.flows AS flows, h.firstSeen AS firstSeen, h.lastSeen AS lastSeen,
  r.fleetFirst AS fleetFirst, dataStart, h.samples AS samples
FROM (${windowHours(key, config.sampleFlows)} UNION ALL ${historyHours(key)}) AS h
INNER JOIN (${fleetFirst(key)}) AS r ON h.dest = r.dest
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

/** Earliest flow of the look-back and window: the span rollup's hours, then the raw window. */
function dataStart(): string {
  return `(SELECT min(t) FROM (
    SELECT min(first_seen) AS t FROM flows_span_1h WHERE ${HISTORY} HAVING count() > 0
    UNION ALL SELECT min(time) AS t FROM flows WHERE ${WINDOW} HAVING count() > 0))`;
}

/** The candidate pairs' hours inside the window, from raw flows (with sample flows). */
function windowHours(key: Key, sampleFlows: number): string {
  return `
  SELECT local_ip, ${key.sql} AS dest, toStartOfHour(time) AS hour, sum(bytes_sent) AS bytes, count() AS flows,
    argMax(remote_ip, bytes_sent) AS top, uniqExact(remote_ip) AS remotes,
    min(time) AS firstSeen, max(time) AS lastSeen, ${samples(sampleFlows)} AS samples
  FROM flows
  WHERE ${WINDOW} AND ${EGRESS} AND (local_ip, ${key.sql}) IN (SELECT local_ip, dest FROM cand)
  GROUP BY local_ip, dest, hour`;
}

/** The candidate pairs' look-back hours from `flows_egress_1h` (sorted by host: few granules). */
function historyHours(key: Key): string {
  return `
  SELECT local_ip, dest, hour, sum(b) AS bytes, sum(f) AS flows, argMax(remote_ip, b) AS top,
    uniqExact(remote_ip) AS remotes, min(fs) AS firstSeen, max(ls) AS lastSeen, ${NO_SAMPLES} AS samples
  FROM (
    SELECT local_ip, ${key.sql} AS dest, time AS hour, remote_ip, sum(bytes) AS b, sum(flows) AS f,
      min(first_seen) AS fs, max(last_seen) AS ls
    FROM flows_egress_1h
    WHERE ${HISTORY} AND ${ANY_CANDIDATE} AND local_ip IN (SELECT local_ip FROM cand)
      AND (local_ip, ${key.sql}) IN (SELECT local_ip, dest FROM cand)
    GROUP BY local_ip, dest, hour, remote_ip)
  GROUP BY local_ip, dest, hour`;
}

/** First time any host opened a connection to each candidate group: rollup look-back, then the window. */
function fleetFirst(key: Key): string {
  return `
  SELECT dest, min(first) AS fleetFirst FROM (
    SELECT ${key.sql} AS dest, min(first) AS first FROM (
      SELECT remote_ip, min(first_seen) AS first FROM flows_contact_1h
      WHERE ${HISTORY} AND ${ANY_CANDIDATE} GROUP BY remote_ip)
    GROUP BY dest
    UNION ALL
    SELECT ${key.sql} AS dest, min(time) AS first FROM flows
    WHERE ${WINDOW} AND remote_is_public AND direction = 'outbound' GROUP BY dest)
  WHERE dest IN (SELECT dest FROM cand)
  GROUP BY dest`;
}
