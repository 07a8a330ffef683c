import type { Command } from 'commander';
import { startAnalysisLoop } from '../../analyze/loop.js';
import { assertAnalyzerConfig } from '../../analyze/runner.js';
import { startApi } from '../../api/server.js';
import { runIntelFeeds } from '../../core/enrich/feeds.js';
import { ConfigError, errorMessage } from '../../core/errors.js';
import { startIngest } from '../../ingest/start.js';
import { type AppContext, type GlobalOptions, openApp, resolveConfig } from '../context.js';
import { rulesProvider } from '../rules-provider.js';
import { onShutdownSignal } from '../signals.js';
import { startStatusServer } from '../status-server.js';

export const ROLES = ['ingest', 'analyze', 'api'] as const;
export type Role = (typeof ROLES)[number];

export function parseRoles(text: string): Set<Role> {
  const roles = new Set<Role>();
  const problems: string[] = [];
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if ((ROLES as readonly string[]).includes(part)) roles.add(part as Role);
    else problems.push(`--roles: unknown role "${part}" (expected ${ROLES.join(', ')})`);
  }
  if (problems.length) throw new ConfigError(problems);
  if (roles.size === 0) throw new ConfigError(['--roles: name at least one role']);
  return roles;
}

/** A TCP port from the command line (0 = any free port); a usage error (exit 2) otherwise. */
export function parsePort(flag: string, text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65535) throw new ConfigError([`${flag} must be a port 0–65535`]);
  return port;
}

export interface RunOptions {
  roles: Set<Role>;
  host?: string;
  port?: number;
  statusPort: number;
  env: Record<string, string | undefined>;
  /** Called once everything is up (the demo prints its tour here). */
  onReady?: (info: { apiUrl?: string }) => void;
}

/**
 * Everything `flowlens run` does, for a context that is already open: configured sources, the
 * analysis loop and the API, until `signal` aborts. Shared with `flowlens demo`.
 * A role that fails for good (a source secret missing from the environment, an analyzer that
 * throws) stops the others and is rethrown, so the process exits with its code instead of serving
 * half a deployment (or dying of an unhandled rejection).
 */
export async function runServices(ctx: AppContext, options: RunOptions, signal: AbortSignal): Promise<void> {
  const local = new AbortController();
  const stopLocal = () => local.abort();
  signal.addEventListener('abort', stopLocal, { once: true });
  if (signal.aborted) local.abort();
  let failure: unknown;
  const watch = (role: Role, task: Promise<unknown>) =>
    task.catch((err: unknown) => {
      // A role that throws while shutting down (aborted waits, closed clients) is no failure of the run.
      if (signal.aborted)
        return ctx.logger.warn({ role, err: errorMessage(err) }, 'role failed while stopping');
      ctx.logger.error({ role, err: errorMessage(err) }, 'role failed; stopping');
      failure ??= err;
      local.abort();
    });
  const stops: (() => Promise<void>)[] = [];
  try {
    const apiUrl = await startEndpoint(ctx, options, local.signal, stops);
    const tasks: Promise<unknown>[] = [];
    if (options.roles.has('ingest')) {
      const now = () => ctx.now().getTime();
      const deps = { db: ctx.db, metrics: ctx.metrics, logger: ctx.logger, env: options.env, now };
      tasks.push(watch('ingest', startIngest(ctx.config, deps, local.signal)));
    }
    if (options.roles.has('analyze')) {
      tasks.push(watch('analyze', startAnalysisLoop(ctx, local.signal)));
      // Feeds never fail the run (each failure is logged and retried); the watch is for programming errors.
      const feeds = runIntelFeeds(ctx.db.client, ctx.config.enrich.intel, {
        logger: ctx.logger,
        signal: local.signal,
      });
      tasks.push(watch('analyze', feeds));
    }
    if (!local.signal.aborted) options.onReady?.(apiUrl ? { apiUrl } : {});
    await new Promise<void>((resolve) => {
      if (local.signal.aborted) resolve();
      else local.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await Promise.allSettled(tasks);
  } finally {
    signal.removeEventListener('abort', stopLocal);
    for (const stop of stops) await stop();
  }
  if (failure !== undefined) throw failure;
}

/** The API when it is a role, else the status server (health and metrics); returns the API URL. */
async function startEndpoint(
  ctx: AppContext,
  options: RunOptions,
  signal: AbortSignal,
  stops: (() => Promise<void>)[],
): Promise<string | undefined> {
  if (!options.roles.has('api')) {
    const ready = () => ctx.db.client.command({ query: 'SELECT 1' }).then(() => undefined);
    const status = await startStatusServer(ctx.metrics.registry, '0.0.0.0', options.statusPort, ready);
    stops.push(status.stop);
    return undefined;
  }
  const api = await startApi({ ...ctx, rules: rulesProvider(ctx) }, signal, {
    ...(options.host ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  stops.push(api.stop);
  return api.url;
}

/** `flowlens run [--config F] [--roles ingest,analyze,api]`: the long-running service. */
export function register(program: Command): void {
  program
    .command('run')
    .description('run configured sources, scheduled analyzers and the API until SIGINT/SIGTERM')
    .option('--roles <list>', 'comma-separated: ingest, analyze, api', 'ingest,analyze,api')
    .option('--host <host>', 'API address (default api.host, 127.0.0.1)')
    .option('--port <port>', 'API port (default api.port, 8080)')
    .option('--status-port <port>', 'health/metrics port for processes without the api role', '9464')
    .action(
      async (opts: { roles: string; host?: string; port?: string; statusPort: string }, cmd: Command) => {
        const roles = parseRoles(opts.roles);
        const port = opts.port ? parsePort('--port', opts.port) : undefined;
        const statusPort = parsePort('--status-port', opts.statusPort);
        const config = resolveConfig(cmd.optsWithGlobals<GlobalOptions>());
        if (roles.has('analyze')) assertAnalyzerConfig(config.analyze);
        const ctx = await openApp(config, { loadPackagedData: true });
        const controller = new AbortController();
        const release = onShutdownSignal(controller, ctx.logger);
        try {
          await runServices(
            ctx,
            {
              roles,
              ...(opts.host ? { host: opts.host } : {}),
              ...(port !== undefined ? { port } : {}),
              statusPort,
              env: process.env,
              onReady: ({ apiUrl }) =>
                ctx.logger.info(
                  { roles: [...roles], apiUrl, sources: config.sources.length },
                  'flowlens running',
                ),
            },
            controller.signal,
          );
        } finally {
          release();
          await ctx.db.close();
        }
      },
    );
}
