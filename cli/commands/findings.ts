import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { findingEvents, listFindings, readFindings, writeFindings } from '../../analyze/findings-store.js';
import { changeStatus } from '../../analyze/lifecycle.js';
import { findingsTable } from '../../analyze/table.js';
import { ConfigError } from '../../core/errors.js';
import { FINDING_STATUSES, type FindingStatus } from '../../core/finding.js';
import { type GlobalOptions, openApp, resolveConfig } from '../context.js';

/**
 * `flowlens findings list|status|history`: triage from the shell, with the same lifecycle rules as
 * the API (analyze/lifecycle.ts): every status change records who, why and when.
 */
export function register(program: Command): void {
  const findings = program
    .command('findings')
    .description('list findings, change their status, show history');
  findings
    .command('list')
    .option('--status <list>', `comma-separated: ${FINDING_STATUSES.join(', ')}`)
    .option('--json', 'print the Finding array')
    .action(async (opts: { status?: string; json?: boolean }, cmd: Command) => {
      const statuses = opts.status ? parseStatuses(opts.status) : undefined;
      await withApp(cmd, async (app) => {
        const stored = await listFindings(app.db.client, statuses ? { status: statuses } : {});
        const list = stored.map((s) => s.finding);
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
      const [next] = parseStatuses(status);
      await withApp(cmd, async (app) => {
        const prev = (await readFindings(app.db.client, [id])).get(id);
        if (!prev) throw new ConfigError([`no finding with id ${id}`]);
        const now = new Date(Math.max(app.now().getTime(), Date.parse(prev.statusAt) + 1));
        const { stored, event } = changeStatus(prev, next!, opts.by ?? userInfo().username, opts.reason, now);
        await writeFindings(app.db.client, [stored], [event], now);
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

function parseStatuses(text: string): FindingStatus[] {
  const parts = text.split(',').map((s) => s.trim());
  const bad = parts.filter((p) => !(FINDING_STATUSES as readonly string[]).includes(p));
  if (bad.length)
    throw new ConfigError(bad.map((b) => `unknown status "${b}" (expected ${FINDING_STATUSES.join(', ')})`));
  return parts as FindingStatus[];
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
