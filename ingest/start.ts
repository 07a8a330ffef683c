import type { Config } from '../core/config/schema.js';
import { errorMessage } from '../core/errors.js';
import { backoffDelay, sleep } from '../core/retry.js';
import { createConfiguredSource, type SourceDeps } from './configured-source.js';
import { runPipeline } from './pipeline.js';
import { sinkFromConfig } from './sinks/clickhouse/from-config.js';

/**
 * Runs every configured source through normalize → sink until `signal` aborts. A pipeline that
 * stops on a failed write (the batch stays un-acked, so nothing is lost) is restarted with backoff:
 * after start, the process never dies because of data or a transient outage.
 */
export async function startIngest(config: Config, deps: SourceDeps, signal: AbortSignal): Promise<void> {
  await Promise.all(config.sources.map((cfg, i) => superviseSource(config, cfg, i, deps, signal)));
}

async function superviseSource(
  config: Config,
  cfg: Config['sources'][number],
  index: number,
  deps: SourceDeps,
  signal: AbortSignal,
): Promise<void> {
  const label = cfg.name ?? `${cfg.type}#${index}`;
  for (let attempt = 0; !signal.aborted; attempt++) {
    const { source, normalize } = createConfiguredSource(cfg, deps);
    const sink = sinkFromConfig(config, deps, signal);
    const result = await runPipeline({
      source,
      normalize,
      sink,
      metrics: deps.metrics,
      logger: deps.logger,
      signal,
    }).catch((err: unknown) => ({ error: err instanceof Error ? err : new Error(String(err)), rows: 0 }));
    await source.stop(10_000).catch(() => {});
    await sink.close().catch(() => {});
    if (!result.error) {
      if (cfg.type === 'file') return; // a file replay ends; streaming sources end only on abort
      attempt = 0;
    } else {
      deps.logger.warn({ source: label, err: errorMessage(result.error) }, 'source stopped; restarting');
    }
    await sleep(backoffDelay(Math.min(attempt, 6), 1_000, 60_000) + 1_000, signal);
  }
}
