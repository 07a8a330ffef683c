import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Command } from 'commander';
import { z } from 'zod';
import { parseNsgDocument } from '../../analyze/rules/inventory/parse.js';
import { writeSnapshots } from '../../analyze/rules/inventory/store.js';
import { type AzuriteHandle, startAzurite } from '../../core/azurite.js';
import { query } from '../../core/clickhouse/query.js';
import type { Config } from '../../core/config/schema.js';
import { loadIntelList, loadServiceTags } from '../../core/enrich/load.js';
import { SERVICE_TAGS } from '../../core/enrich/tables.js';
import { ConfigError, errorMessage } from '../../core/errors.js';
import {
  DEMO_AZURE_TRAFFIC,
  DEMO_SERVICE_TAGS,
  DEMO_THREAT_LIST,
  LiveFeed,
  nsgDefinitions,
} from '../../simulator/index.js';
import { type AppContext, type GlobalOptions, openApp, resolveConfig } from '../context.js';
import { DEMO_BACKFILL_HOURS, demoTour, renderTour } from '../demo-tour.js';
import { onShutdownSignal } from '../signals.js';
import { runServices } from './run.js';

interface DemoOptions {
  port: string;
  host: string;
  ephemeral?: boolean;
  backfillHours: string;
  seed: string;
}

/** Environment variable through which the demo hands Azurite's connection string to the blob source. */
const STORAGE_ENV = 'FLOWLENS_DEMO_STORAGE_CONNECTION_STRING';

/**
 * `flowlens demo` (what `npm start` runs): Azurite as a child process, the simulator appending
 * NSG v2 and VNet flow-log blocks to it like Azure, and `flowlens run` tailing them on the embedded
 * database with analyzers scheduled and the dashboards served.
 */
export function register(program: Command): void {
  program
    .command('demo')
    .description('live demo: simulated Azure flow logs → blob tailing → ClickHouse → analyzers → dashboards')
    .option('--port <port>', 'dashboard/API port', '8080')
    .option('--host <host>', 'dashboard/API address', '127.0.0.1')
    .option('--ephemeral', 'keep data in a temporary directory removed on exit')
    .option('--backfill-hours <n>', 'hours of history written before going live', String(DEMO_BACKFILL_HOURS))
    .option('--seed <n>', 'simulator seed', '7')
    .action(async (opts: DemoOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const dbDir = opts.ephemeral ? mkdtempSync(join(tmpdir(), 'flowlens-demo-')) : undefined;
      try {
        await runDemo(opts, { ...globals, ...(dbDir ? { db: dbDir } : {}) }, Date.now);
      } finally {
        if (dbDir) rmSync(dbDir, { recursive: true, force: true });
      }
    });
}

/** The demo on `clock` (the only reading of the time: history, NSG validity and windows follow it). */
async function runDemo(opts: DemoOptions, globals: GlobalOptions, clock: () => number): Promise<void> {
  const port = Number(opts.port);
  const backfillHours = Number(opts.backfillHours);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError([`--port must be 0–65535`]);
  if (!(backfillHours >= 1 && backfillHours <= 168))
    throw new ConfigError(['--backfill-hours must be 1–168']);
  const controller = new AbortController();
  let azurite: AzuriteHandle | undefined;
  const killAzurite = () => azurite && process.kill(azurite.pid, 'SIGKILL');
  process.once('exit', killAzurite);
  try {
    azurite = await startAzurite();
    const feed = new LiveFeed({
      connectionString: azurite.connectionString,
      seed: Number(opts.seed),
      backfillHours,
      catchUpMinutes: 30,
      catchUpTickMs: 2_000,
      incidentDelayMinutes: 1,
      now: clock,
      extraTraffic: DEMO_AZURE_TRAFFIC,
    });
    const config = demoConfig(resolveConfig(globals), feed.historyStartMs, backfillHours);
    const opened = await openApp(config, { loadPackagedData: true });
    const ctx: AppContext = { ...opened, now: () => new Date(clock()) };
    const release = onShutdownSignal(controller, ctx.logger);
    try {
      await importDemoRules(ctx, feed.historyStartMs);
      await loadDemoEnrichment(ctx.db.client, ctx.now());
      const started = clock();
      await feed.writeHistory(controller.signal);
      ctx.logger.info({ ms: clock() - started, tuples: feed.status.tuples }, 'demo history written');
      await runFed(
        ctx,
        feed,
        { opts, port, backfillHours, connectionString: azurite.connectionString },
        controller,
      );
    } finally {
      release();
      await ctx.db.close();
    }
  } finally {
    await azurite?.stop();
    process.off('exit', killAzurite);
  }
}

/**
 * Settings that make the whole history visible at once: the blob source reads from the first
 * simulated hour (by default it starts at the previous hour), the loop's first analysis and the
 * rule report span the history, and the rule report is rebuilt every minute while it arrives.
 */
export function demoConfig(config: Config, historyStartMs: number, backfillHours: number): Config {
  return {
    ...config,
    sources: [{ ...demoBlobSource(), startTime: new Date(historyStartMs).toISOString() }],
    analyze: { ...config.analyze, intervalSeconds: 10, initialLookbackHours: backfillHours + 1 },
    rules: { ...config.rules, windowDays: backfillHours / 24, refreshMinutes: 1 },
  };
}

/** Runs the simulator and the services until `controller` aborts; a simulator failure fails the demo. */
async function runFed(
  ctx: AppContext,
  feed: LiveFeed,
  run: {
    opts: DemoOptions;
    port: number;
    backfillHours: number;
    connectionString: string;
  },
  controller: AbortController,
): Promise<void> {
  let simulatorError: unknown;
  const feeding = feed.run(controller.signal).catch((err: unknown) => {
    ctx.logger.error({ err: errorMessage(err) }, 'simulator stopped');
    simulatorError = err;
    controller.abort();
  });
  await runServices(
    ctx,
    {
      roles: new Set(['ingest', 'analyze', 'api']),
      host: run.opts.host,
      port: run.port,
      statusPort: 0,
      env: { ...process.env, [STORAGE_ENV]: run.connectionString },
      onReady: ({ apiUrl }) => process.stdout.write(renderTour(apiUrl ?? '', demoTour(run.backfillHours))),
    },
    controller.signal,
  );
  await feeding;
  // The demo without its simulator is not a demo: report it as a runtime failure (exit 1).
  if (simulatorError) throw new Error(`simulator failed: ${errorMessage(simulatorError)}`);
}

function demoBlobSource() {
  return {
    type: 'blob' as const,
    name: 'demo-storage',
    auth: { method: 'connection-string' as const, connectionStringEnv: STORAGE_ENV },
    containers: ['insights-logs-networksecuritygroupflowevent', 'insights-logs-flowlogflowevent'],
    prefixes: [],
    pollIntervalSeconds: 5,
    discoveryIntervalSeconds: 30,
    listPageSize: 5000,
    maxRangeBytes: 16 * 1024 * 1024,
    concurrency: 8,
    leases: { enabled: false, container: 'flowlens-leases', durationSeconds: 60 },
  };
}

/** The simulated estate's NSGs, valid from an hour before the history, so rule analysis has its inventory. */
async function importDemoRules(ctx: AppContext, historyStartMs: number): Promise<void> {
  const { nsgs, problems } = parseNsgDocument(nsgDefinitions(), 'demo');
  if (problems.length) throw new Error(`demo NSG definitions: ${problems.join('; ')}`);
  const validFrom = new Date(historyStartMs - 3_600_000).toISOString();
  await writeSnapshots(ctx.db, nsgs, { validFrom, importedAt: validFrom, origin: 'demo' });
}

/**
 * The demo's service-tag slice and threat-intel list (simulator/azure-services.ts), so its pages
 * show a service tag and a listed address the way an estate with `enrich service-tags import` and
 * a configured feed does. Loaded at every start, replacing what a previous demo run loaded; service
 * tags someone imported into this database (`enrich service-tags import` / `sync`) are kept: the
 * demo's two-tag slice must never replace a real download. The list is the demo's own name.
 */
export async function loadDemoEnrichment(client: ClickHouseClient, now: Date): Promise<void> {
  const meta = { source: DEMO_SOURCE, now };
  if (await ownServiceTags(client)) await loadServiceTags(client, DEMO_SERVICE_TAGS, meta);
  await loadIntelList(client, DEMO_THREAT_LIST, meta);
}

const DEMO_SOURCE = 'demo';

/** True when the database has no service tags yet, or only the ones a demo run loaded. */
async function ownServiceTags(client: ClickHouseClient): Promise<boolean> {
  const rows = await query(client, {
    name: 'service-tag dataset source',
    sql: 'SELECT source FROM enrich_datasets FINAL WHERE name = {name:String}',
    params: { name: SERVICE_TAGS.name },
    row: z.object({ source: z.string() }),
  });
  return rows.every((r) => r.source === DEMO_SOURCE);
}
