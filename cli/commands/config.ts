import type { Command } from 'commander';
import { stringify } from 'yaml';
import { redactSecrets } from '../../core/config/redact.js';
import { type GlobalOptions, resolveConfig } from '../context.js';

/**
 * `flowlens config check` validates the effective configuration (file → env → flags) and lists every
 * problem at once (exit 2); `flowlens config print` shows it with defaults filled and secrets redacted.
 */
export function register(program: Command): void {
  const config = program.command('config').description('validate or show the effective configuration');
  config
    .command('check')
    .description('validate the configuration; prints every problem and exits 2 when there are any')
    .action(() => {
      resolveConfig(program.opts<GlobalOptions>());
      process.stdout.write('configuration is valid\n');
    });
  config
    .command('print')
    .description('print the effective configuration (defaults filled in, secrets redacted)')
    .option('--json', 'JSON instead of YAML')
    .action((opts: { json?: boolean }) => {
      const effective = redactSecrets(resolveConfig(program.opts<GlobalOptions>()));
      process.stdout.write(opts.json ? `${JSON.stringify(effective, null, 2)}\n` : stringify(effective));
    });
}
