import { appendFile } from 'node:fs/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import { dt, isoTime } from '../sql.js';

/** Last notification per (finding, channel): what dedup and re-notify intervals are computed from. */
export async function lastNotifications(
  client: ClickHouseClient,
  ids: readonly string[],
): Promise<Map<string, { severity: string; sentAt: number }>> {
  const out = new Map<string, { severity: string; sentAt: number }>();
  if (!ids.length) return out;
  const rs = await client.query({
    query:
      'SELECT finding_id, channel, argMax(severity, sent_at) AS severity, max(sent_at) AS sent FROM alert_notifications ' +
      'WHERE finding_id IN {ids:Array(String)} GROUP BY finding_id, channel',
    query_params: { ids },
    format: 'JSONEachRow',
  });
  for (const r of await rs.json<{ finding_id: string; channel: string; severity: string; sent: string }>()) {
    out.set(`${r.finding_id}|${r.channel}`, { severity: r.severity, sentAt: Date.parse(isoTime(r.sent)) });
  }
  return out;
}

export async function recordNotification(
  client: ClickHouseClient,
  findingId: string,
  channel: string,
  severity: string,
  at: Date,
): Promise<void> {
  await client.insert({
    table: 'alert_notifications',
    values: [{ finding_id: findingId, channel, severity, sent_at: dt(at) }],
    format: 'JSONEachRow',
  });
}

export interface DeadLetter {
  time: Date;
  findingId: string;
  channel: string;
  attempts: number;
  error: string;
  payload: string;
}

/** Writes an undeliverable alert to `alert_dead_letters` and, when configured, a JSON-lines file. */
export async function deadLetter(client: ClickHouseClient, d: DeadLetter, file?: string): Promise<void> {
  await client.insert({
    table: 'alert_dead_letters',
    values: [
      {
        time: dt(d.time),
        finding_id: d.findingId,
        channel: d.channel,
        attempts: d.attempts,
        error: d.error,
        payload: d.payload,
      },
    ],
    format: 'JSONEachRow',
  });
  if (file) await appendFile(file, `${JSON.stringify({ ...d, time: d.time.toISOString() })}\n`);
}
