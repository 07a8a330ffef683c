import type { DatasetHealth, IngestHealth } from '../../api/routes/ingest/health-read.js';

const BARS = '▁▂▃▄▅▆▇█';

/** Rows per minute as a one-line sparkline (`·` where a minute has no rows). */
export function sparkText(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values.map((v) => (v <= 0 ? '·' : BARS[Math.min(7, Math.floor((v / max) * 7.999))])).join('');
}

/** 42 s, 12 min, 3.5 h, 2.0 d: a lag at the precision an operator reads it. */
export function lagText(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** The flow-log health table of `flowlens stats` (the same facts as the ingest health page). */
export function renderFlowLogs(h: IngestHealth): string {
  const lines = [
    '',
    `flow logs (rules window ${h.window.from} to ${h.window.to}; silent: nothing arrived for 2 intervals, ` +
      'late: newest flow older than 5 intervals; interval = max(poll interval, 60 s))',
  ];
  if (h.flowLogs.length === 0) return `${lines.join('\n')}\n  none in the window\n`;
  const width = Math.max(8, ...h.flowLogs.map((f) => f.name.length));
  lines.push(
    `  ${'status'.padEnd(6)}  ${'flow log'.padEnd(width)}  ${'kind'.padEnd(8)}  ${'lag'.padStart(7)}  ` +
      `${'flow lag'.padStart(8)}  ${'rows/h'.padStart(7)}  ${'rejects'.padStart(7)}  coverage  last hour`,
  );
  for (const f of h.flowLogs) {
    const cov = `${(f.coverage.share * 100).toFixed(0)} %${f.coverage.enough ? '' : ' !'}`;
    lines.push(
      `  ${f.status.padEnd(6)}  ${f.name.padEnd(width)}  ${f.kind.padEnd(8)}  ${lagText(f.lagSeconds).padStart(7)}  ` +
        `${lagText(f.flowLagSeconds).padStart(8)}  ${String(f.rowsLastHour).padStart(7)}  ` +
        `${String(f.rejects.total).padStart(7)}  ${cov.padEnd(8)}  ${sparkText(f.perMinute)}`,
    );
    for (const [reason, n] of Object.entries(f.rejects.byReason)) lines.push(`      rejects ${reason}: ${n}`);
  }
  if (h.unattributedRejects.total > 0) {
    const reasons = Object.entries(h.unattributedRejects.byReason).map(([r, n]) => `${r} ${n}`);
    lines.push(`  rejects from sources shared by several flow logs: ${reasons.join(', ')}`);
  }
  lines.push(`  coverage ! = below rules.minCoverage (${h.minCoverage}): no "unused rule" verdict there`);
  return `${lines.join('\n')}\n`;
}

/** Enrichment datasets with version and age (days since the date the data describes). */
export function renderDatasets(rows: readonly DatasetHealth[]): string {
  if (rows.length === 0) return '\nenrichment datasets: none loaded\n';
  const width = Math.max(...rows.map((r) => r.name.length));
  const lines = ['', 'enrichment datasets'];
  for (const r of rows) {
    lines.push(
      `  ${r.name.padEnd(width)}  ${r.version}  ${r.rows} prefixes  ${r.ageDays} days old  (${r.source})`,
    );
  }
  return `${lines.join('\n')}\n`;
}
