import type { Command } from 'commander';
import { startApi } from '../../api/server.js';
import { ConfigError } from '../../core/errors.js';
import { type GlobalOptions, openApp, resolveConfig } from '../context.js';
import { rulesProvider } from '../rules-provider.js';

/** `flowlens serve [--host H] [--port P]`: the API and dashboards until SIGINT/SIGTERM. */
export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the API and dashboards (default http://127.0.0.1:8080)')
    .option('--host <host>', 'address to bind (default 127.0.0.1 or api.host)')
    .option('--port <port>', 'port (default 8080 or api.port)')
    .action(async (opts: { host?: string; port?: string }, cmd: Command) => {
      const config = resolveConfig(cmd.optsWithGlobals<GlobalOptions>());
      const port = opts.port === undefined ? undefined : Number(opts.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
        throw new ConfigError([`--port must be 0–65535, got ${opts.port}`]);
      }
      const ctx = await openApp(config, { loadPackagedData: true });
      const controller = new AbortController();
      const onSignal = () => controller.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const api = await startApi({ ...ctx, rules: rulesProvider(ctx) }, controller.signal, {
          ...(opts.host ? { host: opts.host } : {}),
          ...(port !== undefined ? { port } : {}),
        });
        process.stderr.write(`flowlens: serving ${api.url}\n`);
        await new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve()));
        await api.stop();
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await ctx.db.close();
      }
    });
}
