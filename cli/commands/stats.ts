import type { Command } from 'commander';
import { type CountBy, type IngestStats, readStats } from '../../ingest/stats.js';
import { type GlobalOptions, openApp, resolveConfig } from '../context.js';

/** `flowlens stats [--json]`: what is stored, by format, NSG, rule, direction and action. */
export function register(program: Command): void {
  program
    .command('stats')
    .description('counts of stored flows by format, NSG, rule, direction and action, and rejects')
    .option('--json', 'print JSON')
    .option('--limit <n>', 'rows per breakdown', (v) => Number.parseInt(v, 10), 20)
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { json?: boolean; limit: number }>();
      const app = await openApp(resolveConfig(opts));
      try {
        const stats = await readStats(app.db.client, opts.limit);
        process.stdout.write(opts.json ? `${JSON.stringify(stats, null, 2)}\n` : renderStats(stats));
      } finally {
        await app.db.close();
      }
    });
}

export function renderStats(s: IngestStats): string {
  const lines = [
    `flows: ${s.rows} rows${s.first ? ` from ${s.first} to ${s.last}` : ''} (hour rollup: ${s.rolledUp})`,
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
