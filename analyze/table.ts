import type { Finding } from '../core/finding.js';
import { severityRank } from './severity.js';

/** Human table for `flowlens analyze` (most severe first). */
export function findingsTable(findings: readonly Finding[]): string {
  if (!findings.length) return 'no findings\n';
  const sorted = [...findings].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || b.lastSeen.localeCompare(a.lastSeen),
  );
  const rows = sorted.map((f) => [
    f.severity,
    f.category,
    subjectText(f),
    f.status,
    f.lastSeen.slice(0, 19),
    f.title,
  ]);
  const header = ['SEVERITY', 'CATEGORY', 'SUBJECT', 'STATUS', 'LAST SEEN', 'TITLE'];
  const widths = header.map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.slice(0, widths[i]).padEnd(widths[i]!))).join('  ');
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

export function subjectText(f: Finding): string {
  const s = f.subject;
  const host = s.ip
    ? `${s.ip}${s.port !== undefined ? `:${s.port}` : ''}`
    : s.port !== undefined
      ? `*:${s.port}`
      : '';
  return [host, s.remoteIp ? `↔ ${s.remoteIp}` : ''].filter(Boolean).join(' ');
}
