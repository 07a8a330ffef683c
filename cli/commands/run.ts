import type { Command } from 'commander';
import { startAnalysisLoop } from '../../analyze/loop.js';
import { assertAnalyzerConfig } from '../../analyze/runner.js';
import { startApi } from '../../api/server.js';
import { ConfigError } from '../../core/errors.js';
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
 */
export async function runServices(ctx: AppContext, options: RunOptions, signal: AbortSignal): Promise<void> {
  const tasks: Promise<unknown>[] = [];
  const stops: (() => Promise<void>)[] = [];
  let apiUrl: string | undefined;
  if (options.roles.has('api')) {
    const api = await startApi({ ...ctx, rules: rulesProvider(ctx) }, signal, {
      ...(options.host ? { host: options.host } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
    });
    apiUrl = api.url;
    stops.push(api.stop);
  } else {
    const status = await startStatusServer(ctx.metrics.registry, '0.0.0.0', options.statusPort);
    stops.push(status.stop);
  }
  if (options.roles.has('ingest')) {
    tasks.push(
      startIngest(
        ctx.config,
        { db: ctx.db, metrics: ctx.metrics, logger: ctx.logger, env: options.env },
        signal,
      ),
    );
  }
  if (options.roles.has('analyze')) tasks.push(startAnalysisLoop(ctx, signal));
  options.onReady?.(apiUrl ? { apiUrl } : {});
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await Promise.allSettled(tasks);
  for (const stop of stops) await stop();
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
        const config = resolveConfig(cmd.optsWithGlobals<GlobalOptions>());
        if (roles.has('analyze')) assertAnalyzerConfig(config.analyze);
        const ctx = await openApp(config);
        const controller = new AbortController();
        const release = onShutdownSignal(controller, ctx.logger);
        try {
          await runServices(
            ctx,
            {
              roles,
              ...(opts.host ? { host: opts.host } : {}),
              ...(opts.port ? { port: Number(opts.port) } : {}),
              statusPort: Number(opts.statusPort),
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
