import type { Finding } from '../../core/finding.js';
import { severityRank } from '../severity.js';

/** What analyze/incidents.ts puts in `evidence.incident`. */
export interface IncidentRef {
  id: string;
  parts: string[];
}

/** One alert's worth of findings: a lone finding, or the parts of one incident seen in this tick. */
export interface AlertGroup {
  incident?: IncidentRef;
  members: Finding[];
}

export function incidentOf(f: Finding): IncidentRef | undefined {
  const i = f.evidence.incident as { id?: unknown; parts?: unknown } | undefined;
  if (!i || typeof i.id !== 'string' || !Array.isArray(i.parts)) return undefined;
  return { id: i.id, parts: i.parts.filter((p): p is string => typeof p === 'string') };
}

/** Groups findings by incident (first-seen order kept); findings without one stay alone. */
export function groupByIncident(findings: readonly Finding[]): AlertGroup[] {
  const out: AlertGroup[] = [];
  const byIncident = new Map<string, AlertGroup>();
  for (const f of findings) {
    const incident = incidentOf(f);
    if (!incident) {
      out.push({ members: [f] });
      continue;
    }
    const g = byIncident.get(incident.id);
    if (g) {
      g.members.push(f);
      g.incident = { id: incident.id, parts: [...new Set([...g.incident!.parts, ...incident.parts])] };
    } else {
      const group = { incident, members: [f] };
      byIncident.set(incident.id, group);
      out.push(group);
    }
  }
  return out;
}

/**
 * The headline part: an attack (a finding with a remote actor) before the exposure it used, then
 * the most severe, then the earliest. Its category, subject and link stay the alert's, so receivers
 * that key on the finding (webhook scripts, SIEM rules) keep seeing the attack.
 */
export function leadOf(members: readonly Finding[]): Finding {
  return [...members].sort(
    (a, b) =>
      Number(Boolean(b.subject.remoteIp)) - Number(Boolean(a.subject.remoteIp)) ||
      severityRank(b.severity) - severityRank(a.severity) ||
      a.firstSeen.localeCompare(b.firstSeen) ||
      a.id.localeCompare(b.id),
  )[0]!;
}

/**
 * One alert for an incident: the lead part, its severity raised to the most severe part, the title
 * naming the incident, the reason listing every part in this alert, and `evidence.incident`
 * extended with `update` (an earlier part was already alerted on this channel), `new` (the parts
 * this alert is about) and `summary` (id, category, severity, title of each part sent).
 */
export function incidentAlert(incident: IncidentRef, due: readonly Finding[], update: boolean): Finding {
  const lead = leadOf(due);
  const severity = due.reduce(
    (s, f) => (severityRank(f.severity) > severityRank(s) ? f.severity : s),
    lead.severity,
  );
  const ordered = [...due].sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || a.id.localeCompare(b.id));
  const label = update ? 'Incident update' : 'Incident';
  const lines = ordered.map((f) => `- [${f.severity}] ${f.category}: ${f.title} (${f.id})`);
  const earlier = incident.parts.length - due.length;
  if (earlier > 0) lines.push(`- ${earlier} earlier part(s) of this incident`);
  return {
    ...lead,
    severity,
    title: `${label} ${incident.id} (${incident.parts.length} parts): ${lead.title}`,
    reason: `${lead.reason}\n${update ? 'New parts' : 'Parts'}:\n${lines.join('\n')}`,
    firstSeen: ordered[0]!.firstSeen,
    lastSeen: due.reduce((m, f) => (f.lastSeen > m ? f.lastSeen : m), lead.lastSeen),
    evidence: {
      ...lead.evidence,
      incident: {
        id: incident.id,
        parts: incident.parts,
        update,
        new: ordered.map((f) => f.id),
        summary: ordered.map((f) => ({
          id: f.id,
          category: f.category,
          severity: f.severity,
          title: f.title,
        })),
      },
    },
  };
}
