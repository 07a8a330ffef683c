import { appendFile } from 'node:fs/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { chIsoTime, query } from '../../core/clickhouse/query.js';
import { dt } from '../sql.js';

const LastRow = z.object({
  finding_id: z.string(),
  channel: z.string(),
  severity: z.string(),
  sent: chIsoTime,
});

/** Last notification per (finding, channel): what dedup and re-notify intervals are computed from. */
export async function lastNotifications(
  client: ClickHouseClient,
  ids: readonly string[],
): Promise<Map<string, { severity: string; sentAt: number }>> {
  const out = new Map<string, { severity: string; sentAt: number }>();
  if (!ids.length) return out;
  const rows = await query(client, {
    sql:
      'SELECT finding_id, channel, argMax(severity, sent_at) AS severity, max(sent_at) AS sent FROM alert_notifications ' +
      'WHERE finding_id IN {ids:Array(String)} GROUP BY finding_id, channel',
    params: { ids },
    row: LastRow,
  });
  for (const r of rows) {
    out.set(`${r.finding_id}|${r.channel}`, { severity: r.severity, sentAt: Date.parse(r.sent) });
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
