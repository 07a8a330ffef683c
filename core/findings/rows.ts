import { z } from 'zod';
import { chTime, isoTime } from '../clickhouse/time.js';
import { type Finding, FindingSchema, type FindingStatus, FindingStatusSchema } from '../finding.js';

/** A stored finding: the contract plus lifecycle bookkeeping. */
export interface StoredFinding {
  finding: Finding;
  detections: number;
  statusBy: string;
  statusReason: string;
  statusAt: string;
}

/** One entry of a finding's history (`finding_events`). */
export interface FindingEvent {
  findingId: string;
  time: Date;
  kind: 'detected' | 'redetected' | 'status';
  status: FindingStatus;
  severity: string;
  actor: string;
  reason: string;
}

/** A `findings` row as ClickHouse returns it (JSONEachRow: UInt32 as a number, DateTime64 as text). */
export const FindingRowSchema = z.object({
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
export type FindingRow = z.infer<typeof FindingRowSchema>;

export const FindingEventRowSchema = z.object({
  time: z.string(),
  kind: z.enum(['detected', 'redetected', 'status']),
  status: FindingStatusSchema,
  severity: z.string(),
  actor: z.string(),
  reason: z.string(),
});

/** Row → stored finding; the Finding contract is checked here (zod), JSON columns parsed. */
export function toStored(r: FindingRow): StoredFinding {
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
    first_seen: chTime(new Date(f.firstSeen)),
    last_seen: chTime(new Date(f.lastSeen)),
    subject: JSON.stringify(f.subject),
    evidence: JSON.stringify(f.evidence),
    status: f.status,
    status_by: s.statusBy,
    status_reason: s.statusReason,
    status_at: chTime(new Date(s.statusAt)),
    detections: s.detections,
    updated_at: chTime(updatedAt),
  };
}

export function toEventRow(e: FindingEvent): Record<string, unknown> {
  return {
    finding_id: e.findingId,
    time: chTime(e.time),
    kind: e.kind,
    status: e.status,
    severity: e.severity,
    actor: e.actor,
    reason: e.reason,
  };
}
