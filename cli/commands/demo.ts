import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseNsgDocument } from '../../analyze/rules/inventory/parse.js';
import { writeSnapshots } from '../../analyze/rules/inventory/store.js';
import { type AzuriteHandle, startAzurite } from '../../core/azurite.js';
import { ConfigError, errorMessage } from '../../core/errors.js';
import { LiveFeed, nsgDefinitions } from '../../simulator/index.js';
import { type AppContext, type GlobalOptions, openApp, resolveConfig } from '../context.js';
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
    .option('--backfill-hours <n>', 'hours of history written before going live', '24')
    .option('--seed <n>', 'simulator seed', '7')
    .action(async (opts: DemoOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const dbDir = opts.ephemeral ? mkdtempSync(join(tmpdir(), 'flowlens-demo-')) : undefined;
      try {
        await runDemo(opts, { ...globals, ...(dbDir ? { db: dbDir } : {}) });
      } finally {
        if (dbDir) rmSync(dbDir, { recursive: true, force: true });
      }
    });
}

async function runDemo(opts: DemoOptions, globals: GlobalOptions): Promise<void> {
  const port = Number(opts.port);
  const backfillHours = Number(opts.backfillHours);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError([`--port must be 0–65535`]);
  if (!(backfillHours >= 1 && backfillHours <= 168))
    throw new ConfigError(['--backfill-hours must be 1–168']);
  const config = resolveConfig(globals);
  const demoConfig = {
    ...config,
    sources: [demoBlobSource()],
    analyze: { ...config.analyze, intervalSeconds: 10 },
    rules: { ...config.rules, windowDays: Math.max(1, Math.ceil(backfillHours / 24)) },
  };
  const controller = new AbortController();
  const ctx = await openApp(demoConfig, { loadPackagedData: true });
  const release = onShutdownSignal(controller, ctx.logger);
  let azurite: AzuriteHandle | undefined;
  const killAzurite = () => azurite && process.kill(azurite.pid, 'SIGKILL');
  process.once('exit', killAzurite);
  try {
    azurite = await startAzurite();
    await importDemoRules(ctx, backfillHours);
    const feed = new LiveFeed({
      connectionString: azurite.connectionString,
      seed: Number(opts.seed),
      backfillHours,
      catchUpMinutes: 30,
      catchUpTickMs: 2_000,
      incidentDelayMinutes: 1,
    });
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
        host: opts.host,
        port,
        statusPort: 0,
        env: { ...process.env, [STORAGE_ENV]: azurite.connectionString },
        onReady: ({ apiUrl }) => process.stdout.write(tour(apiUrl ?? '', backfillHours)),
      },
      controller.signal,
    );
    await feeding;
    // The demo without its simulator is not a demo: report it as a runtime failure (exit 1).
    if (simulatorError) throw new Error(`simulator failed: ${errorMessage(simulatorError)}`);
  } finally {
    release();
    await azurite?.stop();
    process.off('exit', killAzurite);
    await ctx.db.close();
  }
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

/** The simulated estate's NSGs, valid from the start of the history, so rule analysis has its inventory. */
async function importDemoRules(ctx: AppContext, backfillHours: number): Promise<void> {
  const { nsgs, problems } = parseNsgDocument(nsgDefinitions(), 'demo');
  if (problems.length) throw new Error(`demo NSG definitions: ${problems.join('; ')}`);
  const validFrom = new Date(Date.now() - (backfillHours + 1) * 3_600_000).toISOString();
  await writeSnapshots(ctx.db, nsgs, { validFrom, importedAt: validFrom, origin: 'demo' });
}

function tour(url: string, backfillHours: number): string {
  return `
  flowlens demo is running: ${url}

  A simulator writes NSG v2 and VNet flow logs into a local Azure Storage emulator the way Azure
  does (one block per minute before the closing "]}"); flowlens tails the committed block lists,
  stores every tuple in the embedded ClickHouse and analyzes new data every 10 seconds.
  ${backfillHours} h of history come first; the last 30 simulated minutes replay fast, then real time.

  Within a few minutes you should see:
    ${url}/            overview: traffic allowed/denied, in/out, top talkers and ports
    ${url}/findings    a port scan, RDP exposed to the internet and brute-forced,
                       beaconing to 91.92.109.23, 6 GB pushed to 185.220.101.45
    ${url}/rules       an unused FTP rule, over-wide app and db rules, RDP open to the world
    ${url}/exposure    management ports reachable from the internet, by host
    ${url}/api/docs    the API (OpenAPI)

  Ctrl-C stops everything.
`;
}
