import type { ClickHouseClient } from '@clickhouse/client';
import { EVENTS_OF, READ_BY_IDS } from './queries.js';
import {
  type FindingEvent,
  FindingEventRowSchema,
  FindingRowSchema,
  isoTime,
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
  const rs = await client.query({ query: READ_BY_IDS, query_params: { ids }, format: 'JSONEachRow' });
  for (const raw of await rs.json<unknown>()) {
    const s = toStored(FindingRowSchema.parse(raw));
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
  const rs = await client.query({ query: EVENTS_OF, query_params: { id }, format: 'JSONEachRow' });
  return (await rs.json<unknown>()).map((raw) => {
    const r = FindingEventRowSchema.parse(raw);
    return { ...r, time: new Date(isoTime(r.time)) };
  });
}
