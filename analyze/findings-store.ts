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
    query: `SELECT ${TRIAGED} FROM (SELECT ${COLUMNS} FROM findings FINAL WHERE id IN {ids:Array(String)}) AS f ${TRIAGE_JOIN}`,
    query_params: { ids },
    format: 'JSONEachRow',
  });
  for (const raw of await rs.json<unknown>()) {
    const s = toStored(StoredRowSchema.parse(raw));
    out.set(s.finding.id, s);
  }
  return out;
}

/**
 * Triage done through the API lands in `finding_status_events` (migration 0400); the newer of that
 * and the analyzer-side status wins, so re-detection never undoes an analyst's decision.
 */
const TRIAGE_JOIN =
  'LEFT JOIN (SELECT finding_id, argMax(status, at) AS t_status, argMax(actor, at) AS t_actor, ' +
  'argMax(comment, at) AS t_comment, max(at) AS t_at FROM finding_status_events GROUP BY finding_id) AS t ' +
  'ON f.id = t.finding_id';
const TRIAGED =
  'f.id AS id, f.category AS category, f.severity AS severity, f.title AS title, f.reason AS reason, ' +
  'f.first_seen AS first_seen, f.last_seen AS last_seen, f.subject AS subject, f.evidence AS evidence, ' +
  'if(t.t_at > f.status_at, t.t_status, f.status) AS status, if(t.t_at > f.status_at, t.t_actor, f.status_by) AS status_by, ' +
  'if(t.t_at > f.status_at, t.t_comment, f.status_reason) AS status_reason, greatest(f.status_at, t.t_at) AS status_at, ' +
  'f.detections AS detections';

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
      `SELECT * FROM (SELECT ${TRIAGED} FROM (SELECT ${COLUMNS} FROM findings FINAL ` +
      `WHERE last_seen >= {from:DateTime64(3, 'UTC')} AND first_seen < {to:DateTime64(3, 'UTC')}) AS f ${TRIAGE_JOIN}) ` +
      'WHERE empty({statuses:Array(String)}) OR status IN {statuses:Array(String)} ' +
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
