import type { Command } from 'commander';
import { startIngest } from '../../ingest/start.js';
import { type AppContext, type GlobalOptions, openApp, resolveConfig } from '../context.js';

/**
 * A long-running part of `flowlens run`. Each gets the opened app and the stop signal and resolves
 * once it has stopped. Analyzers and the API add their part here.
 */
export type RunPart = (ctx: AppContext, signal: AbortSignal) => Promise<void>;

/** Configured sources → normalize → ClickHouse (ingest/start.ts). Secrets come from the environment. */
export const ingestPart: RunPart = (ctx, signal) =>
  startIngest(ctx.config, { db: ctx.db, metrics: ctx.metrics, logger: ctx.logger, env: process.env }, signal);

export const RUN_PARTS: RunPart[] = [ingestPart];

/** `flowlens run [--config F]`: every configured part until SIGINT/SIGTERM, then a graceful stop. */
export function register(program: Command): void {
  program
    .command('run')
    .description('all-in-one: configured sources (and the parts other components add) until stopped')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = await openApp(resolveConfig(cmd.optsWithGlobals<GlobalOptions>()));
      const controller = new AbortController();
      const onSignal = () => controller.abort();
      process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
      const stopped = new Promise<void>((resolve) =>
        controller.signal.addEventListener('abort', () => resolve()),
      );
      try {
        if (!ctx.config.sources.length) ctx.logger.warn('no sources configured');
        ctx.logger.info({ sources: ctx.config.sources.length }, 'flowlens run started');
        await Promise.all([...RUN_PARTS.map((part) => part(ctx, controller.signal)), stopped]);
        ctx.logger.info('flowlens run stopped');
      } finally {
        process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
        await ctx.db.close();
      }
    });
}
