import { z } from 'zod';
import type { Db } from '../../../core/clickhouse/client.js';
import { chNumber } from '../../../core/clickhouse/query.js';
import { SEVERITIES } from '../../../core/finding.js';
import { ParamBag } from '../../query/params.js';
import { readRows } from '../../query/run.js';
import { isoTime } from '../../query/time.js';

/** Incident statuses, most active first: an incident is as active as its most active part. */
export const INCIDENT_STATUSES = ['open', 'acknowledged', 'resolved', 'suppressed'] as const;

export interface IncidentQuery {
  id?: string;
  status: string[];
  severity: string[];
  limit: number;
  offset: number;
}

/**
 * Incidents are not stored on their own: analyze/incidents.ts writes `evidence.incident.id` on each
 * linked finding, and an incident is the group of current findings sharing that id. Grouping at
 * read time keeps the findings table the single source (no second copy to keep in sync).
 */
const GROUPED = `
SELECT
  JSONExtractString(evidence, 'incident', 'id') AS incident_id,
  count() AS parts,
  arrayElement({severities:Array(String)}, max(indexOf({severities:Array(String)}, severity))) AS max_severity,
  min(first_seen) AS started,
  max(last_seen) AS ended,
  arrayMap(t -> t.2, arraySort(groupArray((first_seen, category)))) AS categories_seen,
  arrayFilter(x -> x != '', groupUniqArray(JSONExtractString(subject, 'ip'))) AS hosts,
  arrayFilter(x -> x != '', groupUniqArray(JSONExtractString(subject, 'remoteIp'))) AS remotes,
  groupUniqArray(status) AS statuses,
  arrayFirst(s -> has(statuses, s), {order:Array(String)}) AS incident_status
FROM findings FINAL
WHERE incident_id != ''`;

const IncidentRowSchema = z.object({
  incident_id: z.string(),
  parts: z.coerce.number(),
  max_severity: z.enum(SEVERITIES),
  started: z.string(),
  ended: z.string(),
  categories_seen: z.array(z.string()),
  hosts: z.array(z.string()),
  remotes: z.array(z.string()),
  incident_status: z.enum(INCIDENT_STATUSES),
});

export interface IncidentSummary {
  id: string;
  title: string;
  severity: (typeof SEVERITIES)[number];
  status: (typeof INCIDENT_STATUSES)[number];
  firstSeen: string;
  lastSeen: string;
  hosts: string[];
  remotes: string[];
  parts: number;
  categories: string[];
}

function whereSql(q: IncidentQuery, params: ParamBag): string {
  params.values.severities = [...SEVERITIES];
  params.values.order = [...INCIDENT_STATUSES];
  const id = q.id ? ` AND incident_id = ${params.add('String', q.id)}` : '';
  const having = [
    q.status.length ? `incident_status IN ${params.add('Array(String)', q.status)}` : '1',
    q.severity.length ? `max_severity IN ${params.add('Array(String)', q.severity)}` : '1',
  ].join(' AND ');
  return `${GROUPED}${id} GROUP BY incident_id HAVING ${having}`;
}

/** One page of incidents, most recent activity first, and how many match in all. */
export async function listIncidents(
  db: Db,
  q: IncidentQuery,
): Promise<{ total: number; items: IncidentSummary[] }> {
  const params = new ParamBag();
  const grouped = whereSql(q, params);
  const page =
    `${grouped} ORDER BY ended DESC, incident_id ` +
    `LIMIT ${params.add('UInt32', q.limit)} OFFSET ${params.add('UInt32', q.offset)}`;
  const [rows, counted] = await Promise.all([
    readRows(db, page, params.values, IncidentRowSchema),
    readRows(db, `SELECT count() AS n FROM (${grouped})`, params.values, z.object({ n: chNumber })),
  ]);
  return { total: counted[0]?.n ?? 0, items: rows.map(toSummary) };
}

function toSummary(r: z.infer<typeof IncidentRowSchema>): IncidentSummary {
  const categories = [...new Set(r.categories_seen)];
  const who = r.remotes.length ? `${r.remotes.join(', ')} → ` : '';
  return {
    id: r.incident_id,
    title: `${categories.join(' → ')}: ${who}${r.hosts.join(', ') || 'unknown host'}`,
    severity: r.max_severity,
    status: r.incident_status,
    firstSeen: isoTime(r.started),
    lastSeen: isoTime(r.ended),
    hosts: r.hosts.sort(),
    remotes: r.remotes.sort(),
    parts: r.parts,
    categories,
  };
}

const PartRowSchema = z.object({
  id: z.string(),
  category: z.string(),
  severity: z.enum(SEVERITIES),
  title: z.string(),
  reason: z.string(),
  first_seen: z.string(),
  last_seen: z.string(),
  subject: z.string(),
  status: z.enum(INCIDENT_STATUSES),
  detections: z.coerce.number(),
});

export interface IncidentPart {
  id: string;
  category: string;
  severity: (typeof SEVERITIES)[number];
  title: string;
  reason: string;
  firstSeen: string;
  lastSeen: string;
  subject: Record<string, unknown>;
  status: (typeof INCIDENT_STATUSES)[number];
  detections: number;
}

/** The findings that make up one incident, in the order they began. */
export async function incidentParts(db: Db, id: string): Promise<IncidentPart[]> {
  const rows = await readRows(
    db,
    'SELECT id, category, severity, title, reason, first_seen, last_seen, subject, status, detections ' +
      `FROM findings FINAL WHERE JSONExtractString(evidence, 'incident', 'id') = {id:String} ` +
      'ORDER BY first_seen, id',
    { id },
    PartRowSchema,
  );
  return rows.map((r) => {
    return {
      id: r.id,
      category: r.category,
      severity: r.severity,
      title: r.title,
      reason: r.reason,
      firstSeen: isoTime(r.first_seen),
      lastSeen: isoTime(r.last_seen),
      subject: z.record(z.string(), z.unknown()).parse(JSON.parse(r.subject)),
      status: r.status,
      detections: r.detections,
    };
  });
}
