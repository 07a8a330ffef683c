import type { FindingSubject } from '../../../core/finding.js';

/** A filter expression (flow explorer language) selecting the flows behind a finding's subject. */
export function subjectFilter(subject: FindingSubject): string {
  const parts: string[] = [];
  if (subject.ip) parts.push(`(src_ip = ${subject.ip} OR dst_ip = ${subject.ip})`);
  if (subject.remoteIp) parts.push(`(src_ip = ${subject.remoteIp} OR dst_ip = ${subject.remoteIp})`);
  if (subject.port !== undefined) parts.push(`dst_port = ${subject.port}`);
  if (subject.protocol !== undefined) parts.push(`protocol = ${subject.protocol}`);
  if (subject.nsg) parts.push(`nsg = ${quote(subject.nsg)}`);
  if (subject.rule) parts.push(`(rule = ${quote(subject.rule)} OR rule_name = ${quote(subject.rule)})`);
  return parts.join(' AND ');
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Evidence window: first to last sighting, widened by a minute so the last flow is included. */
export function evidenceWindow(firstSeen: string, lastSeen: string): { from: Date; to: Date } {
  const from = new Date(firstSeen);
  const to = new Date(new Date(lastSeen).getTime() + 60_000);
  const maxSpan = 30 * 86400e3;
  return { from: to.getTime() - from.getTime() > maxSpan ? new Date(to.getTime() - maxSpan) : from, to };
}
