import type { Command } from 'commander';
import { runBatchAnalysis } from '../../analyze/batch.js';
import { findingsTable } from '../../analyze/table.js';
import { ConfigError } from '../../core/errors.js';
import { type GlobalOptions, openApp, resolveConfig } from '../context.js';

interface AnalyzeOptions extends GlobalOptions {
  from?: string;
  to?: string;
  json?: boolean;
  notify?: boolean;
}

/**
 * `flowlens analyze [--from T] [--to T] [--json] [--notify]`: runs every enabled analyzer over one
 * window, stores findings, prints them (`--json`: the Finding array of core/finding.ts).
 * Exit code 1 when an analyzer failed (the others still ran and printed).
 */
export function register(program: Command): void {
  program
    .command('analyze')
    .description('run the detectors over a time window and print findings')
    .option('--from <time>', 'window start (ISO 8601); default: --to minus analyze.initialLookbackHours')
    .option('--to <time>', 'window end (ISO 8601); default: just after the newest flow')
    .option('--json', 'print findings as JSON (core/finding.ts)')
    .option('--notify', 'send alerts for new findings through the configured channels')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<AnalyzeOptions>();
      const from = parseTime('--from', opts.from);
      const to = parseTime('--to', opts.to);
      const app = await openApp(resolveConfig(opts));
      try {
        const { result, window, alerts } = await runBatchAnalysis(app, {
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
          notify: opts.notify === true,
        });
        if (opts.json) process.stdout.write(`${JSON.stringify(result.findings, null, 2)}\n`);
        else {
          if (window)
            process.stdout.write(`window ${window.from.toISOString()} – ${window.to.toISOString()}\n`);
          process.stdout.write(findingsTable(result.findings));
          if (alerts) process.stdout.write(`alerts: ${JSON.stringify(alerts)}\n`);
        }
        for (const e of result.errors)
          process.stderr.write(`flowlens: analyzer ${e.analyzer} failed: ${e.error}\n`);
        if (result.errors.length) process.exitCode = 1;
      } finally {
        await app.db.close();
      }
    });
}

function parseTime(flag: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new ConfigError([`${flag}: not a time: ${value}`]);
  return new Date(ms);
}
