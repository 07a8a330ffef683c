import type { Command } from 'commander';
import { type OneShotAnalysis, runOneShotAnalysis } from '../../analyze/one-shot.js';
import { coverageGaps, coverageGapText } from '../../analyze/rules/analysis/gaps.js';
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
 * window, stores findings, prints them (`--json`: `{ window, rulesWindow, findings, coverage }`,
 * findings as in core/finding.ts, coverage = NSGs whose rules got no verdict). The rule analyzers
 * judge the window `report rules` would for the same --from/--to.
 * Exit code 1 when an analyzer failed (the others still ran and printed).
 */
export function register(program: Command): void {
  program
    .command('analyze')
    .description('run the detectors over a time window and print findings')
    .option('--from <time>', 'window start (ISO 8601); default: --to minus analyze.initialLookbackHours')
    .option('--to <time>', 'window end (ISO 8601); default: just after the newest flow')
    .option('--json', 'print { window, rulesWindow, findings, coverage } as JSON (findings: core/finding.ts)')
    .option('--notify', 'send alerts for new findings through the configured channels')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<AnalyzeOptions>();
      const from = parseTime('--from', opts.from);
      const to = parseTime('--to', opts.to);
      const app = await openApp(resolveConfig(opts));
      try {
        const batch = await runOneShotAnalysis(app, {
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
          notify: opts.notify === true,
        });
        process.stdout.write(
          opts.json ? `${JSON.stringify(analyzeJson(batch), null, 2)}\n` : analyzeText(batch),
        );
        const { result } = batch;
        for (const e of result.errors)
          process.stderr.write(`flowlens: analyzer ${e.analyzer} failed: ${e.error}\n`);
        if (result.errors.length) process.exitCode = 1;
      } finally {
        await app.db.close();
      }
    });
}

/** The `--json` document: findings plus the rule window and the NSGs whose rules got no verdict. */
export function analyzeJson(b: OneShotAnalysis) {
  const iso = (w: { from: Date; to: Date }) => ({ from: w.from.toISOString(), to: w.to.toISOString() });
  return {
    window: b.window && iso(b.window),
    rulesWindow: b.rules?.window ?? null,
    findings: b.result.findings,
    coverage: b.rules ? coverageGaps(b.rules) : [],
  };
}

/** The table, with a footer naming the rules that got no verdict and why. */
function analyzeText(b: OneShotAnalysis): string {
  const w = b.window && `window ${b.window.from.toISOString()} – ${b.window.to.toISOString()}\n`;
  const footer = b.rules ? coverageGapText(coverageGaps(b.rules), b.rules.window) : '';
  const alerts = b.alerts && `alerts: ${JSON.stringify(b.alerts)}\n`;
  return `${w ?? ''}${findingsTable(b.result.findings)}${footer}${alerts ?? ''}`;
}

function parseTime(flag: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new ConfigError([`${flag}: not a time: ${value}`]);
  return new Date(ms);
}
