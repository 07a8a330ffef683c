import type { Finding } from '../../core/finding.js';

/** A delivery target. `send` resolves when the receiver accepted the alert; throws TransientError or PermanentError. */
export interface AlertChannel {
  readonly name: string;
  readonly type: string;
  /** The exact payload that `send` delivers (kept in the dead letter when delivery fails). */
  render(finding: Finding): string;
  send(finding: Finding, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** One-line summary used by chat channels and syslog. */
export function summaryLine(f: Finding): string {
  return `[${f.severity.toUpperCase()}] ${f.title}`;
}

/** Subject fields as label/value pairs, in a fixed order. */
export function subjectFacts(f: Finding): [string, string][] {
  const s = f.subject;
  const facts: [string, string][] = [
    ['Category', f.category],
    ['Severity', f.severity],
  ];
  if (s.ip) facts.push(['Host', s.ip]);
  if (s.remoteIp) facts.push(['Remote', s.remoteIp]);
  if (s.port !== undefined) facts.push(['Port', String(s.port)]);
  if (s.nsg) facts.push(['NSG', s.nsg]);
  if (s.rule) facts.push(['Rule', s.rule]);
  if (f.evidence.flows !== undefined) facts.push(['Flows', String(f.evidence.flows)]);
  facts.push(['First seen', f.firstSeen], ['Last seen', f.lastSeen], ['Finding id', f.id]);
  return facts;
}

export function findingLink(f: Finding, publicUrl: string | undefined): string | undefined {
  return publicUrl ? `${publicUrl.replace(/\/$/, '')}/findings/${f.id}` : undefined;
}
