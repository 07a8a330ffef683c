import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { classifyAzureError } from '../../analyze/rules/inventory/azure.js';
import { fetchServiceTags } from '../../core/enrich/azure.js';
import { dateFromVersion, type RangeDataset } from '../../core/enrich/datasets.js';
import { type IntelFormat, parseIntel } from '../../core/enrich/intel.js';
import { loadIntelList, loadServiceTags } from '../../core/enrich/load.js';
import { lookupAddress } from '../../core/enrich/lookup.js';
import { datasetForFile, fileDate, loadRangeFiles } from '../../core/enrich/ranges.js';
import { type ServiceTagsFile, ServiceTagsFileSchema } from '../../core/enrich/service-tags.js';
import { ConfigError } from '../../core/errors.js';
import { type GlobalOptions, openApp, resolveConfig } from '../context.js';

/** `flowlens enrich …`: load ASN/country data, Azure service tags and threat-intel lists; look up an address. */
export function register(program: Command): void {
  const enrich = program
    .command('enrich')
    .description('ASN, country, Azure service tags and threat-intel lists');
  registerUpdate(enrich);
  registerServiceTags(enrich);
  registerIntel(enrich);
  registerLookup(enrich);
}

function registerUpdate(enrich: Command): void {
  enrich
    .command('update')
    .description(
      'load ASN/country CSV files (ip-location-db layout: start,end,…) or MaxMind .mmdb files from a file or directory, air-gapped',
    )
    .requiredOption(
      '--from <path>',
      'a CSV or .mmdb file or a directory of them (CSV names containing "asn" or "country"; MMDB kind read from its records)',
    )
    .option('--data-version <v>', 'version to record (default: the file name and its date)')
    .action(async (opts: { from: string; dataVersion?: string }, cmd: Command) => {
      const groups = groupFiles(opts.from);
      await withApp(cmd, async (client) => {
        for (const [dataset, files] of groups) {
          const version = opts.dataVersion ?? files.map((f) => basename(f)).join('+');
          const dataDate = dateFromVersion(opts.dataVersion ?? '') ?? fileDate(files[0]!);
          const r = await loadRangeFiles(client, dataset, files, {
            version,
            source: `file:${files.join(',')}`,
            dataDate,
            now: new Date(),
          });
          process.stdout.write(
            `${r.name}: ${r.rows} prefixes from ${r.lines} ranges (${r.rejected} rejected), version ${r.version}\n`,
          );
        }
      });
    });
}

function registerServiceTags(enrich: Command): void {
  const tags = enrich.command('service-tags').description('Azure service tags');
  tags
    .command('import <file>')
    .description('load a ServiceTags_Public_YYYYMMDD.json download (replaces the loaded tags)')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const parsed = ServiceTagsFileSchema.safeParse(readJson(file));
      if (!parsed.success)
        throw new ConfigError([`${file}: not a service tags file: ${parsed.error.issues[0]?.message}`]);
      await storeTags(cmd, parsed.data, `file:${resolve(file)}`);
    });
  tags
    .command('sync')
    .description('read service tags through ARM serviceTags.list (DefaultAzureCredential)')
    .requiredOption('--subscription <id>', 'subscription id')
    .requiredOption('--location <region>', 'region, e.g. westeurope')
    .action(async (opts: { subscription: string; location: string }, cmd: Command) => {
      const data = await fetchServiceTags(opts.subscription, opts.location).catch((err: unknown) => {
        throw classifyAzureError(err);
      });
      await storeTags(cmd, data, `arm:${opts.subscription}/${opts.location}`);
    });
}

function registerIntel(enrich: Command): void {
  enrich
    .command('intel')
    .description('threat-intel lists')
    .command('import <file>')
    .description('load a one-off list (replaces a list of the same name)')
    .requiredOption('--name <list>', 'list name')
    .option('--format <f>', 'lines | csv | stix', 'lines')
    .option('--column <c>', 'CSV column name or 0-based index')
    .option('--confidence <n>', '0–100', '80')
    .action(
      async (
        file: string,
        opts: { name: string; format: string; column?: string; confidence: string },
        cmd: Command,
      ) => {
        const list = checkList(opts);
        const column =
          opts.column === undefined
            ? undefined
            : /^\d+$/.test(opts.column)
              ? Number(opts.column)
              : opts.column;
        const parsed = parseIntel(readFileSync(file, 'utf8'), list.format, column);
        for (const r of parsed.rejected.slice(0, 20))
          process.stderr.write(`flowlens enrich: ${file}:${r.line}: ${r.reason}\n`);
        await withApp(cmd, async (client) => {
          const r = await loadIntelList(
            client,
            { name: opts.name, prefixes: parsed.prefixes, confidence: list.confidence },
            { source: `file:${resolve(file)}`, now: new Date() },
          );
          process.stdout.write(`${opts.name}: ${r.prefixes} prefixes (${parsed.rejected.length} rejected)\n`);
        });
      },
    );
}

function registerLookup(enrich: Command): void {
  enrich
    .command('lookup <ip...>')
    .description('country, ASN, service tag and threat lists of addresses')
    .option('--json', 'print JSON')
    .action(async (ips: string[], opts: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (client) => {
        const rows = await lookupAddress(client, ips);
        if (opts.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        else
          for (const r of rows)
            process.stdout.write(
              `${r.ip}  ${r.country || '-'}  AS${r.asn} ${r.asName || '-'}  ${r.serviceTag || '-'}  ${r.threatLists.join(',') || '-'}\n`,
            );
      });
    });
}

type Client = Awaited<ReturnType<typeof openApp>>['db']['client'];

async function withApp(cmd: Command, fn: (client: Client) => Promise<void>): Promise<void> {
  const app = await openApp(resolveConfig(cmd.optsWithGlobals<GlobalOptions>()));
  try {
    await fn(app.db.client);
  } finally {
    await app.db.close();
  }
}

async function storeTags(cmd: Command, data: ServiceTagsFile, source: string): Promise<void> {
  await withApp(cmd, async (client) => {
    const r = await loadServiceTags(client, data, { source, now: new Date() });
    for (const p of r.rejected.slice(0, 20)) process.stderr.write(`flowlens enrich: not a prefix: ${p}\n`);
    process.stdout.write(`service tags: ${r.tags} tags, ${r.prefixes} prefixes, version ${r.version}\n`);
  });
}

function groupFiles(from: string): Map<RangeDataset, string[]> {
  const path = resolve(from);
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .sort()
        .map((f) => join(path, f))
    : [path];
  const groups = new Map<RangeDataset, string[]>();
  for (const f of files) {
    const ds = datasetForFile(f);
    if (ds) groups.set(ds, [...(groups.get(ds) ?? []), f]);
    else if (f.toLowerCase().endsWith('.mmdb'))
      process.stderr.write(`flowlens enrich: ${f}: skipped, not an ASN or country MaxMind DB\n`);
  }
  if (groups.size === 0)
    throw new ConfigError([
      `${from}: no CSV file named like *asn*.csv or *country*.csv and no ASN or country .mmdb file`,
    ]);
  return groups;
}

function checkList(opts: { name: string; format: string; confidence: string }): {
  format: IntelFormat;
  confidence: number;
} {
  const confidence = Number(opts.confidence);
  const problems: string[] = [];
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(opts.name)) problems.push('--name: letters, digits, _ . - (at most 64)');
  if (!['lines', 'csv', 'stix'].includes(opts.format)) problems.push('--format: lines | csv | stix');
  if (!Number.isInteger(confidence) || confidence < 0 || confidence > 100)
    problems.push('--confidence: 0–100');
  if (problems.length) throw new ConfigError(problems);
  return { format: opts.format as IntelFormat, confidence };
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError([`${file}: ${(e as Error).message}`]);
  }
}
