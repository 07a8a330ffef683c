import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { azureNsgLister, classifyAzureError } from '../../analyze/rules/inventory/azure.js';
import { parseNsgText } from '../../analyze/rules/inventory/parse.js';
import { pullNsgs } from '../../analyze/rules/inventory/sdk.js';
import { writeSnapshots } from '../../analyze/rules/inventory/store.js';
import type { NsgDefinition } from '../../analyze/rules/model/types.js';
import { ConfigError } from '../../core/errors.js';
import { type GlobalOptions, openApp, resolveConfig } from '../context.js';

/**
 * `flowlens rules import <file>...` (az / ARM JSON) and `flowlens rules sync --subscription ID`
 * (Azure API): store a versioned snapshot of NSG rules.
 */
export function register(program: Command): void {
  const rules = program.command('rules').description('NSG rule inventory');
  rules
    .command('import')
    .description(
      'import NSG definitions: `az network nsg list/show -o json` or ARM JSON (object, array, {value:[…]})',
    )
    .argument('<file...>', 'JSON files')
    .option('--valid-from <time>', 'when these definitions took effect (default: now)')
    .action(async (files: string[], opts: { validFrom?: string }, cmd: Command) => {
      const nsgs: NsgDefinition[] = [];
      const problems: string[] = [];
      for (const file of files) {
        const text = await readFile(file, 'utf8').catch((err: unknown) => {
          problems.push(`${file}: ${err instanceof Error ? err.message : String(err)}`);
          return null;
        });
        if (text === null) continue;
        const parsed = parseNsgText(text, file);
        nsgs.push(...parsed.nsgs);
        problems.push(...parsed.problems);
      }
      await store(cmd, nsgs, problems, opts.validFrom, `file:${files.join(',')}`);
    });
  rules
    .command('sync')
    .description('pull every NSG of a subscription from Azure (DefaultAzureCredential)')
    .requiredOption('--subscription <id>', 'subscription id')
    .option('--valid-from <time>', 'when these definitions took effect (default: now)')
    .action(async (opts: { subscription: string; validFrom?: string }, cmd: Command) => {
      const pulled = await pullNsgs(azureNsgLister(opts.subscription)).catch((err: unknown) => {
        throw classifyAzureError(err);
      });
      await store(cmd, pulled.nsgs, pulled.problems, opts.validFrom, `azure:${opts.subscription}`);
    });
}

async function store(
  cmd: Command,
  nsgs: NsgDefinition[],
  problems: string[],
  validFrom: string | undefined,
  origin: string,
): Promise<void> {
  for (const p of problems) process.stderr.write(`flowlens rules: ${p}\n`);
  if (validFrom !== undefined && Number.isNaN(Date.parse(validFrom)))
    throw new ConfigError([`--valid-from: not a date/time: ${validFrom}`]);
  if (!nsgs.length) {
    process.stderr.write('flowlens rules: nothing imported\n');
    process.exitCode = 1;
    return;
  }
  const app = await openApp(resolveConfig(cmd.optsWithGlobals<GlobalOptions>()));
  try {
    const now = app.now().toISOString();
    const r = await writeSnapshots(app.db, nsgs, { validFrom: validFrom ?? now, importedAt: now, origin });
    const ruleCount = nsgs.reduce((n, x) => n + x.rules.length, 0);
    process.stdout.write(
      `${nsgs.length} NSGs (${ruleCount} rules): ${r.written} new snapshots, ${r.unchanged} unchanged, ${problems.length} problems\n`,
    );
  } finally {
    await app.db.close();
  }
}
