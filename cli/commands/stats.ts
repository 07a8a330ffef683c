import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { type CountBy, DEFAULT_LATE_HOURS, type IngestStats, readStats } from '../../ingest/stats.js';
import { type GlobalOptions, openApp, resolveConfig } from '../context.js';

/** `flowlens stats [--json]`: what is stored, by format, NSG, rule, direction and action. */
export function register(program: Command): void {
  program
    .command('stats')
    .description('counts of stored flows by format, NSG, rule, direction and action, and rejects')
    .option('--json', 'print JSON')
    .option('--limit <n>', 'rows per breakdown', (v) => Number.parseInt(v, 10), 20)
    .option(
      '--late-hours <n>',
      'a row is late history when it was stored more than this many hours after its flow time',
      (v) => Number.parseFloat(v),
      DEFAULT_LATE_HOURS,
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<
        GlobalOptions & { json?: boolean; limit: number; lateHours: number }
      >();
      if (!(opts.lateHours >= 0)) throw new ConfigError(['--late-hours must be a number ≥ 0']);
      const app = await openApp(resolveConfig(opts));
      try {
        const stats = await readStats(app.db.client, opts.limit, opts.lateHours);
        process.stdout.write(opts.json ? `${JSON.stringify(stats, null, 2)}\n` : renderStats(stats));
      } finally {
        await app.db.close();
      }
    });
}

export function renderStats(s: IngestStats): string {
  const lines = [
    `flows: ${s.rows} rows${s.first ? ` from ${s.first} to ${s.last}` : ''} (hour rollup: ${s.rolledUp})`,
    lateLine(s),
    `rejects: ${s.rejects}`,
  ];
  const section = (title: string, rows: CountBy[]) => {
    if (rows.length === 0) return;
    lines.push('', title);
    const width = Math.max(...rows.map((r) => r.key.length), 4);
    for (const r of rows) lines.push(`  ${(r.key || '(none)').padEnd(width)}  ${r.flows}`);
  };
  section('by format', s.byFormat);
  section('by NSG', s.byNsg);
  section('by rule', s.byRule);
  section('by direction', s.byDirection);
  section('by action', s.byAction);
  section('rejects by reason', s.rejectsByReason);
  return `${lines.join('\n')}\n`;
}

/** How much of `flows` is history that arrived late (kept for the full retention from arrival). */
function lateLine(s: IngestStats): string {
  const { rows, hours, maxDelayDays } = s.lateHistory;
  const share = s.rows > 0 ? ` (${((100 * rows) / s.rows).toFixed(1)} %)` : '';
  const delay = rows > 0 ? `, up to ${maxDelayDays} days late` : '';
  return `late history: ${rows} rows${share} stored more than ${hours} h after their flow time${delay}`;
}
