import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { query } from '../core/clickhouse/query.js';
import type { Finding } from '../core/finding.js';
import type { StoredFinding } from '../core/findings/rows.js';
import { readFindings } from '../core/findings/store.js';
import { LINKED_CATEGORIES, linkIncidents } from './incidents.js';
import { dt } from './sql.js';

/** How long before a window stored findings can join its findings' incidents (a scan, then the brute force days later). */
export const INCIDENT_HORIZON_MS = 7 * 86_400_000;

/**
 * Links a window's findings with the stored findings they relate to, so a part detected in a later
 * tick joins the incident of parts detected earlier (the runner detects one window at a time).
 * Returns the window's findings with their incident, and the stored findings whose incident changed
 * (to be written back, so the API and alerts see one incident).
 */
export async function linkWithStored(
  client: ClickHouseClient,
  findings: readonly Finding[],
  windowFrom: Date,
): Promise<{ findings: Finding[]; restamped: StoredFinding[] }> {
  const ips = [
    ...new Set(findings.filter((f) => LINKED_CATEGORIES.has(f.category)).map((f) => f.subject.ip)),
  ];
  const hosts = ips.filter((ip): ip is string => Boolean(ip));
  if (!hosts.length) return { findings: [...findings], restamped: [] };
  const fresh = new Set(findings.map((f) => f.id));
  const stored = [
    ...(
      await readFindings(
        client,
        await relatedIds(client, hosts, new Date(windowFrom.getTime() - INCIDENT_HORIZON_MS)),
      )
    ).values(),
  ].filter((s) => !fresh.has(s.finding.id));
  if (!stored.length) return { findings: [...findings], restamped: [] };
  const linked = linkIncidents([...findings, ...stored.map((s) => s.finding)]);
  const restamped: StoredFinding[] = [];
  stored.forEach((s, i) => {
    const next = linked[findings.length + i]!;
    if (JSON.stringify(next.evidence.incident) === JSON.stringify(s.finding.evidence.incident)) return;
    restamped.push({ ...s, finding: { ...s.finding, evidence: next.evidence } });
  });
  return { findings: linked.slice(0, findings.length), restamped };
}

/** Ids of stored findings in the linked categories about these hosts, active within the horizon. */
async function relatedIds(client: ClickHouseClient, hosts: string[], since: Date): Promise<string[]> {
  const rows = await query(client, {
    sql:
      'SELECT id FROM findings FINAL WHERE category IN {categories:Array(String)} ' +
      `AND JSONExtractString(subject, 'ip') IN {hosts:Array(String)} ` +
      `AND last_seen >= {since:DateTime64(3, 'UTC')} LIMIT 10000`,
    params: {
      categories: [...LINKED_CATEGORIES],
      hosts,
      since: dt(since),
    },
    row: z.object({ id: z.string() }),
  });
  return rows.map((r) => r.id);
}
