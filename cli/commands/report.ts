import { writeFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { buildRuleReport } from '../../analyze/rules/analysis/build.js';
import { reportOptionsFromConfig, resolveWindow } from '../../analyze/rules/analysis/from-config.js';
import { coverageGaps, coverageGapText } from '../../analyze/rules/analysis/gaps.js';
import { REPORT_FORMATS, type ReportFormat, renderReport } from '../../analyze/rules/report/index.js';
import { ConfigError } from '../../core/errors.js';
import { type GlobalOptions, openApp, resolveConfig } from '../context.js';

interface ReportRulesOptions {
  from?: string;
  to?: string;
  format: ReportFormat;
  out?: string;
}

/**
 * `flowlens report rules [--from T] [--to T] --format json|md|html|csv [--out F]`. Rules that got
 * no verdict for lack of flow-log coverage are also named on stderr (CSV has no place for them).
 */
export function register(program: Command): void {
  const report = program.command('report').description('reports');
  report
    .command('rules')
    .description(
      'NSG rule review: unused, overly permissive, exposed, shadowed rules with tightened proposals',
    )
    .option('--from <time>', 'window start (default: --to minus rules.windowDays)')
    .option('--to <time>', 'window end (default: now)')
    .addOption(new Option('--format <format>', 'output format').choices([...REPORT_FORMATS]).default('json'))
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (opts: ReportRulesOptions, cmd: Command) => {
      const config = resolveConfig(cmd.optsWithGlobals<GlobalOptions>());
      const app = await openApp(config);
      try {
        const window = resolveWindow(opts, config.rules.windowDays, app.now());
        if (typeof window === 'string') throw new ConfigError([window]);
        const options = await reportOptionsFromConfig(config.rules, app.now);
        const built = await buildRuleReport(app.db, window, options);
        const text = renderReport(built, opts.format);
        if (opts.out) await writeFile(opts.out, text);
        else process.stdout.write(text);
        const gaps = coverageGapText(coverageGaps(built), built.window);
        if (gaps) process.stderr.write(`flowlens: ${gaps}`);
      } finally {
        await app.db.close();
      }
    });
}
