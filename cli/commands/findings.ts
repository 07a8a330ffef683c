import { userInfo } from 'node:os';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Command } from 'commander';
import { findingsTable } from '../../analyze/table.js';
import { ConfigError } from '../../core/errors.js';
import { FINDING_STATUSES, type Finding, SEVERITIES } from '../../core/finding.js';
import { type FindingQuery, queryFindings } from '../../core/findings/page.js';
import { FINDING_SORTS, type FindingSort } from '../../core/findings/queries.js';
import { setFindingStatus } from '../../core/findings/status.js';
import { findingEvents } from '../../core/findings/store.js';
import { type GlobalOptions, openApp, resolveConfig } from '../context.js';

/**
 * `flowlens findings list|status|history`: triage from the shell through the same findings module as
 * the API (core/findings/): every status change records who, why and when.
 */
export function register(program: Command): void {
  const findings = program
    .command('findings')
    .description('list findings, change their status, show history');
  findings
    .command('list')
    .description('findings in triage order (severity, then most recent), filtered and sorted in ClickHouse')
    .option('--status <list>', `comma-separated: ${FINDING_STATUSES.join(', ')}`)
    .option('--severity <list>', `comma-separated: ${SEVERITIES.join(', ')}`)
    .option('--category <name>', 'one category, e.g. exposure')
    .option('--sort <column>', FINDING_SORTS.join(' | '), 'severity')
    .option('--order <dir>', 'asc | desc', 'desc')
    .option('--limit <n>', 'at most this many (default: all)')
    .option('--json', 'print the Finding array')
    .action(async (opts: ListOptions, cmd: Command) => {
      const query = listQuery(opts);
      const max = opts.limit === undefined ? Number.POSITIVE_INFINITY : positive(opts.limit);
      await withApp(cmd, async (app) => {
        const list = await collect(app.db.client, query, max);
        process.stdout.write(opts.json ? `${JSON.stringify(list, null, 2)}\n` : findingsTable(list));
      });
    });
  findings
    .command('status')
    .argument('<id>', 'finding id')
    .argument('<status>', FINDING_STATUSES.join(' | '))
    .requiredOption('--reason <text>', 'why (kept in the history)')
    .option('--by <name>', 'who (default: the OS user)')
    .action(async (id: string, status: string, opts: { reason: string; by?: string }, cmd: Command) => {
      const [next] = parseList(status, FINDING_STATUSES, 'status');
      await withApp(cmd, async (app) => {
        const actor = opts.by ?? userInfo().username;
        const change = { id, status: next!, actor, reason: opts.reason, now: app.now() };
        const prev = await setFindingStatus(app.db.client, change);
        if (!prev) throw new ConfigError([`no finding with id ${id}`]);
        process.stdout.write(`${id}: ${prev.finding.status} → ${next}\n`);
      });
    });
  findings
    .command('history')
    .argument('<id>', 'finding id')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const events = await findingEvents(app.db.client, id);
        if (opts.json) process.stdout.write(`${JSON.stringify(events, null, 2)}\n`);
        else
          for (const e of events)
            process.stdout.write(
              `${e.time.toISOString()}  ${e.kind.padEnd(10)} ${e.status.padEnd(12)} ${e.actor}: ${e.reason}\n`,
            );
      });
    });
}

interface ListOptions {
  status?: string;
  severity?: string;
  category?: string;
  sort: string;
  order: string;
  limit?: string;
  json?: boolean;
}

function listQuery(opts: ListOptions): FindingQuery {
  const [sort] = parseList(opts.sort, FINDING_SORTS, 'sort column');
  const [order] = parseList(opts.order, ['asc', 'desc'] as const, 'order');
  return {
    status: opts.status ? parseList(opts.status, FINDING_STATUSES, 'status') : [],
    severity: opts.severity ? parseList(opts.severity, SEVERITIES, 'severity') : [],
    category: opts.category,
    sort: sort as FindingSort,
    order,
  };
}

/** Walks the pages with the cursor, so any number of findings lists in bounded memory per page. */
async function collect(client: ClickHouseClient, query: FindingQuery, max: number): Promise<Finding[]> {
  const out: Finding[] = [];
  let cursor: string | undefined;
  do {
    const page = await queryFindings(client, { ...query, cursor, limit: Math.min(1000, max - out.length) });
    out.push(...page.items.map((s) => s.finding));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && out.length < max);
  return out;
}

function positive(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new ConfigError([`--limit must be a positive integer, got "${text}"`]);
  return n;
}

function parseList<T extends string>(text: string, allowed: readonly T[], what: string): T[] {
  const parts = text.split(',').map((s) => s.trim());
  const bad = parts.filter((p) => !(allowed as readonly string[]).includes(p));
  if (bad.length)
    throw new ConfigError(bad.map((b) => `unknown ${what} "${b}" (expected ${allowed.join(', ')})`));
  return parts as T[];
}

async function withApp(
  cmd: Command,
  fn: (app: Awaited<ReturnType<typeof openApp>>) => Promise<void>,
): Promise<void> {
  const app = await openApp(resolveConfig(cmd.optsWithGlobals<GlobalOptions>()));
  try {
    await fn(app);
  } finally {
    await app.db.close();
  }
}
