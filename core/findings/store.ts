import type { ClickHouseClient } from '@clickhouse/client';
import { query } from '../clickhouse/query.js';
import { isoTime } from '../clickhouse/time.js';
import { EVENTS_OF, READ_BY_IDS } from './queries.js';
import {
  type FindingEvent,
  FindingEventRowSchema,
  FindingRowSchema,
  type StoredFinding,
  toEventRow,
  toRow,
  toStored,
} from './rows.js';

/** Reads findings by id (FINAL: the latest version of each). */
export async function readFindings(
  client: ClickHouseClient,
  ids: readonly string[],
): Promise<Map<string, StoredFinding>> {
  const out = new Map<string, StoredFinding>();
  if (!ids.length) return out;
  for (const row of await query(client, { sql: READ_BY_IDS, params: { ids }, row: FindingRowSchema })) {
    const s = toStored(row);
    out.set(s.finding.id, s);
  }
  return out;
}

/** Upserts findings (a newer `updated_at` wins) and appends their events. */
export async function writeFindings(
  client: ClickHouseClient,
  stored: readonly StoredFinding[],
  events: readonly FindingEvent[],
  now: Date,
): Promise<void> {
  if (stored.length) {
    await client.insert({
      table: 'findings',
      values: stored.map((s) => toRow(s, now)),
      format: 'JSONEachRow',
    });
  }
  if (events.length) {
    await client.insert({ table: 'finding_events', values: events.map(toEventRow), format: 'JSONEachRow' });
  }
}

/** History of one finding, oldest first. */
export async function findingEvents(
  client: ClickHouseClient,
  id: string,
): Promise<Omit<FindingEvent, 'findingId'>[]> {
  const rows = await query(client, { sql: EVENTS_OF, params: { id }, row: FindingEventRowSchema });
  return rows.map((r) => ({ ...r, time: new Date(isoTime(r.time)) }));
}
