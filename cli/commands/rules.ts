import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { azureNsgLister, classifyAzureError } from '../../analyze/rules/inventory/azure.js';
import { parseNsgText } from '../../analyze/rules/inventory/parse.js';
import { pullNsgs } from '../../analyze/rules/inventory/sdk.js';
import { writeSnapshots } from '../../analyze/rules/inventory/store.js';
import type { NsgDefinition } from '../../analyze/rules/model/types.js';
import { armStatus, describeFailure } from '../../core/enrich/arm-pull.js';
import { armSyncReport, syncArmNetworks } from '../../core/enrich/arm-sync.js';
import { armNetworkClient } from '../../core/enrich/azure.js';
import { ConfigError } from '../../core/errors.js';
import { type GlobalOptions, openApp, resolveConfig } from '../context.js';

/**
 * `flowlens rules import <file>...` (az / ARM JSON) and `flowlens rules sync --subscription ID`
 * (Azure API): store a versioned snapshot of NSG rules; `sync` also imports the network inventory
 * that flow and connection types are classified by (it lives beside the NSGs in ARM and needs the
 * same login, so one command reads both).
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
    .description(
      'pull every NSG of a subscription from Azure (DefaultAzureCredential), and the VNets, peerings, gateways and on-premises prefixes for flow types',
    )
    .requiredOption('--subscription <id>', 'subscription id')
    .option('--valid-from <time>', 'when these definitions took effect (default: now)')
    .option('--no-networks', 'NSGs only: skip the network inventory (flow and connection types)')
    .action(async (opts: { subscription: string; validFrom?: string; networks: boolean }, cmd: Command) => {
      const pulled = await pullNsgs(azureNsgLister(opts.subscription)).catch((err: unknown) => {
        if (!armAnswer(err)) throw classifyAzureError(err);
        // A refused NSG read (403…) fails the command (exit 1) but the network inventory is still read.
        process.stderr.write(
          `flowlens rules: ${describeFailure({ resource: 'networkSecurityGroups', ...armAnswer(err)! })}\n`,
        );
        process.exitCode = 1;
        return { nsgs: [], problems: [] };
      });
      if (pulled.nsgs.length || !opts.networks)
        await store(cmd, pulled.nsgs, pulled.problems, opts.validFrom, `azure:${opts.subscription}`);
      else process.stderr.write('flowlens rules: no NSGs imported\n');
      if (opts.networks) await syncNetworks(cmd, opts.subscription);
    });
}

/** The network inventory part of `rules sync` (core/enrich/arm-sync.ts; docs/enrichment.md "Flow types"). */
async function syncNetworks(cmd: Command, subscription: string): Promise<void> {
  const app = await openApp(resolveConfig(cmd.optsWithGlobals<GlobalOptions>()));
  try {
    const r = await syncArmNetworks(app.db.client, armNetworkClient(subscription), {
      subscription,
      networks: app.config.enrich.networks,
      now: app.now,
    }).catch((err: unknown) => {
      throw classifyAzureError(err);
    });
    const report = armSyncReport(r);
    for (const line of report.stderr) process.stderr.write(`flowlens rules: ${line}\n`);
    if (report.failed) process.exitCode = 1;
    process.stdout.write(`${report.stdout}\n`);
  } finally {
    await app.db.close();
  }
}

function armAnswer(err: unknown): { status: number; message: string } | undefined {
  const status = armStatus(err);
  if (status === undefined) return undefined;
  return { status, message: (err as Error).message.split('\n')[0]!.slice(0, 300) };
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
