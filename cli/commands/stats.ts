import type { Command } from 'commander';
import { readIngestHealth } from '../../api/routes/ingest/health-read.js';
import { ConfigError } from '../../core/errors.js';
import { type CountBy, DEFAULT_LATE_HOURS, type IngestStats, readStats } from '../../ingest/stats.js';
import { type GlobalOptions, openApp, resolveConfig } from '../context.js';
import { renderDatasets, renderFlowLogs } from './stats-health.js';

/**
 * `flowlens stats [--json]`: what is stored, by format, NSG, rule, direction and action; each flow
 * log's health (as the ingest health page shows it) and the enrichment datasets' versions and age.
 */
export function register(program: Command): void {
  program
    .command('stats')
    .description(
      'counts of stored flows by format, NSG, rule, direction and action, rejects, flow-log health (status, lag, coverage) and enrichment dataset age',
    )
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
        // No registry: this process runs no sources, so only what the database holds.
        const health = await readIngestHealth({ db: app.db, config: app.config }, app.now());
        const { flowLogs, unattributedRejects, datasets } = health;
        process.stdout.write(
          opts.json
            ? `${JSON.stringify({ ...stats, flowLogs, unattributedRejects, healthWindow: health.window, datasets }, null, 2)}\n`
            : renderStats(stats) + renderFlowLogs(health) + renderDatasets(datasets),
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
