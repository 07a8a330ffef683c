import type { Command } from 'commander';
import { type DatasetStatus, datasetStatus } from '../../core/enrich/store.js';
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
        const datasets = await datasetStatus(app.db.client);
        process.stdout.write(
          opts.json
            ? `${JSON.stringify({ ...stats, datasets }, null, 2)}\n`
            : renderStats(stats) + renderDatasets(datasets, app.now()),
        );
      } finally {
        await app.db.close();
      }
    });
}

export function renderStats(s: IngestStats): string {
  const lines = [
    `flows: ${s.rows} rows${s.first ? ` from ${s.first} to ${s.last}` : ''} (hour rollup: ${s.rolledUp})`,
    lateLine(s),
    ...mismatchLine(s),
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

/**
 * The hour rollup holding more flows than raw over the hours raw still covers: raw rows expired
 * there, or files were stored again with `--force` while the rollup kept their first totals (the
 * rollups then count them twice; docs/ingest.md).
 */
function mismatchLine(s: IngestStats): string[] {
  if (s.rolledUpOverRaw <= s.rows) return [];
  return [
    `rollup mismatch: hour rollup holds ${s.rolledUpOverRaw} flows over the raw range (${s.first} to ${s.last}), ` +
      `raw holds ${s.rows} (${s.rolledUpOverRaw - s.rows} more): raw rows expired there, or --force stored ` +
      'files again whose raw rows were gone while the rollup kept their totals (those are counted twice)',
  ];
}

/** How much of `flows` is history that arrived late (kept for the full retention from arrival). */
function lateLine(s: IngestStats): string {
  const { rows, hours, maxDelayDays } = s.lateHistory;
  const share = s.rows > 0 ? ` (${((100 * rows) / s.rows).toFixed(1)} %)` : '';
  const delay = rows > 0 ? `, up to ${maxDelayDays} days late` : '';
  return `late history: ${rows} rows${share} stored more than ${hours} h after their flow time${delay}`;
}

/** Enrichment datasets with version and age (days since the date the data describes). */
export function renderDatasets(rows: DatasetStatus[], now: Date): string {
  if (rows.length === 0) return '\nenrichment datasets: none loaded\n';
  const width = Math.max(...rows.map((r) => r.name.length));
  const lines = ['', 'enrichment datasets'];
  for (const r of rows) {
    const age = Math.max(0, Math.floor((now.getTime() - Date.parse(r.dataDate)) / 86_400_000));
    lines.push(`  ${r.name.padEnd(width)}  ${r.version}  ${r.rows} prefixes  ${age} days old  (${r.source})`);
  }
  return `${lines.join('\n')}\n`;
}
