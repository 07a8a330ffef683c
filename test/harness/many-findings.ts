import type { Db } from '../../core/clickhouse/client.js';
import { chTime } from '../../core/clickhouse/time.js';

/**
 * Generates `count` findings server-side (one `INSERT … SELECT … FROM numbers()`, seconds for
 * 100 000): uneven severities and statuses, 7 categories, last_seen values that collide (ties the
 * page order must still break), and evidence with a sample flow so rows have a realistic width.
 * When `staleVersions` is set, the first that many ids are inserted first as older versions
 * (all open, severity info), so only FINAL reads give the right answer.
 */
export async function generateFindings(
  db: Db,
  opts: { count: number; end: Date; staleVersions?: number },
): Promise<void> {
  const params = { end: chTime(opts.end) };
  if (opts.staleVersions) {
    await db.client.command({
      query: insertSql(opts.staleVersions, true),
      query_params: params,
    });
  }
  await db.client.command({ query: insertSql(opts.count, false), query_params: params });
}

function insertSql(count: number, stale: boolean): string {
  const h = (salt: number) => `cityHash64(number, ${salt})`;
  const severity = stale
    ? `'info'`
    : `arrayElement(['info', 'low', 'low', 'medium', 'medium', 'medium', 'high', 'critical'], ${h(1)} % 8 + 1)`;
  const status = stale
    ? `'open'`
    : `arrayElement(['open', 'open', 'open', 'acknowledged', 'resolved', 'suppressed'], ${h(2)} % 6 + 1)`;
  const lastSeen = `{end:DateTime64(3, 'UTC')} - toIntervalMinute(${h(3)} % 20000)`;
  const sample =
    `'{"time":"2026-01-01T00:00:00.000Z","srcIp":"203.0.113.' || toString(number % 250) || '","dstIp":"10.0.0.4",` +
    `"srcPort":50000,"dstPort":3389,"protocol":6,"direction":"inbound","action":"allow","state":"B","packetsSent":3,` +
    `"bytesSent":180,"packetsReceived":0,"bytesReceived":0,"nsg":"nsg-web","rule":"AllowRdp","mac":"","format":"nsg-v2"}'`;
  return (
    'INSERT INTO findings (id, category, severity, title, reason, first_seen, last_seen, subject, evidence, ' +
    'status, status_by, status_reason, status_at, detections, updated_at) ' +
    `SELECT 'gen:' || toString(number), 'cat' || toString(number % 7), ${severity}, ` +
    `'Finding ' || toString(number), 'generated for paging tests', ${lastSeen} - toIntervalHour(1), ${lastSeen}, ` +
    `'{"ip":"10.0.' || toString(number % 200) || '.4","port":3389}', ` +
    `'{"flows":' || toString(number % 97) || ',"sampleFlows":[' || ${sample} || ']}', ` +
    `${status}, 'flowlens', 'detected', {end:DateTime64(3, 'UTC')}, toUInt32(${h(4)} % 9 + 1), ` +
    `{end:DateTime64(3, 'UTC')} - toIntervalSecond(${stale ? 60 : 0}) ` +
    `FROM numbers(${Math.floor(count)})`
  );
}
