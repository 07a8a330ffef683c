import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { type Finding, FindingSchema, type FindingStatus } from '../core/finding.js';
import { dt, isoTime } from './sql.js';

/** A stored finding: the contract plus lifecycle bookkeeping. */
export interface StoredFinding {
  finding: Finding;
  detections: number;
  statusBy: string;
  statusReason: string;
  statusAt: string;
}

const StoredRowSchema = z.object({
  id: z.string(),
  category: z.string(),
  severity: z.string(),
  title: z.string(),
  reason: z.string(),
  first_seen: z.string(),
  last_seen: z.string(),
  subject: z.string(),
  evidence: z.string(),
  status: z.string(),
  status_by: z.string(),
  status_reason: z.string(),
  status_at: z.string(),
  detections: z.coerce.number(),
});

const COLUMNS =
  'id, category, severity, title, reason, first_seen, last_seen, subject, evidence, status, status_by, status_reason, status_at, detections';

/** Reads findings by id (FINAL: the latest version of each). */
export async function readFindings(
  client: ClickHouseClient,
  ids: readonly string[],
): Promise<Map<string, StoredFinding>> {
  const out = new Map<string, StoredFinding>();
  if (!ids.length) return out;
  const rs = await client.query({
    query: `SELECT ${COLUMNS} FROM findings FINAL WHERE id IN {ids:Array(String)}`,
    query_params: { ids },
    format: 'JSONEachRow',
  });
  for (const raw of await rs.json<unknown>()) {
    const s = toStored(StoredRowSchema.parse(raw));
    out.set(s.finding.id, s);
  }
  return out;
}

export interface FindingFilter {
  status?: FindingStatus[];
  from?: Date;
  to?: Date;
  limit?: number;
}

/** Lists findings whose activity overlaps the range, most recent first. */
export async function listFindings(
  client: ClickHouseClient,
  filter: FindingFilter = {},
): Promise<StoredFinding[]> {
  const rs = await client.query({
    query:
      `SELECT ${COLUMNS} FROM findings FINAL WHERE last_seen >= {from:DateTime64(3, 'UTC')} ` +
      `AND first_seen < {to:DateTime64(3, 'UTC')} AND (empty({statuses:Array(String)}) OR status IN {statuses:Array(String)}) ` +
      'ORDER BY last_seen DESC LIMIT {limit:UInt32}',
    query_params: {
      from: dt(filter.from ?? new Date(0)),
      to: dt(filter.to ?? new Date('2200-01-01T00:00:00Z')),
      statuses: filter.status ?? [],
      limit: filter.limit ?? 10_000,
    },
    format: 'JSONEachRow',
  });
  return (await rs.json<unknown>()).map((r) => toStored(StoredRowSchema.parse(r)));
}

function toStored(r: z.infer<typeof StoredRowSchema>): StoredFinding {
  const finding = FindingSchema.parse({
    id: r.id,
    category: r.category,
    severity: r.severity,
    title: r.title,
    reason: r.reason,
    firstSeen: isoTime(r.first_seen),
    lastSeen: isoTime(r.last_seen),
    subject: JSON.parse(r.subject),
    evidence: JSON.parse(r.evidence),
    status: r.status,
  });
  return {
    finding,
    detections: r.detections,
    statusBy: r.status_by,
    statusReason: r.status_reason,
    statusAt: isoTime(r.status_at),
  };
}

export function toRow(s: StoredFinding, updatedAt: Date): Record<string, unknown> {
  const f = s.finding;
  return {
    id: f.id,
    category: f.category,
    severity: f.severity,
    title: f.title,
    reason: f.reason,
    first_seen: dt(new Date(f.firstSeen)),
    last_seen: dt(new Date(f.lastSeen)),
    subject: JSON.stringify(f.subject),
    evidence: JSON.stringify(f.evidence),
    status: f.status,
    status_by: s.statusBy,
    status_reason: s.statusReason,
    status_at: dt(new Date(s.statusAt)),
    detections: s.detections,
    updated_at: dt(updatedAt),
  };
}

export interface FindingEvent {
  findingId: string;
  time: Date;
  kind: 'detected' | 'redetected' | 'status';
  status: FindingStatus;
  severity: string;
  actor: string;
  reason: string;
}

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
    await client.insert({
      table: 'finding_events',
      values: events.map((e) => ({
        finding_id: e.findingId,
        time: dt(e.time),
        kind: e.kind,
        status: e.status,
        severity: e.severity,
        actor: e.actor,
        reason: e.reason,
      })),
      format: 'JSONEachRow',
    });
  }
}

/** History of one finding, oldest first. */
export async function findingEvents(
  client: ClickHouseClient,
  id: string,
): Promise<Omit<FindingEvent, 'findingId'>[]> {
  const rs = await client.query({
    query:
      'SELECT time, kind, status, severity, actor, reason FROM finding_events WHERE finding_id = {id:String} ORDER BY time',
    query_params: { id },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{
    time: string;
    kind: FindingEvent['kind'];
    status: FindingStatus;
    severity: string;
    actor: string;
    reason: string;
  }>();
  return rows.map((r) => ({ ...r, time: new Date(isoTime(r.time)) }));
}
