import type { Config } from '../core/config/schema.js';
import { ConfigError, errorMessage } from '../core/errors.js';
import { backoffDelay, type RetryOptions, sleep } from '../core/retry.js';
import { emptyPipelineStats, type PipelineResult, runPipeline } from './pipeline.js';
import { sinkFromConfig } from './sinks/clickhouse/from-config.js';
import type { SourceDeps } from './sources/component.js';
import { type BuiltSource, SOURCES, type SourceRegistry } from './sources/registry.js';

export interface SuperviseOptions {
  /** Consecutive failed runs (no batch acked) after which a source is parked (default 5). */
  parkAfter: number;
  /** A parked source is retried this often (default 15 min); one acked batch unparks it. */
  parkedRetryMs: number;
  /** Restart backoff: base and cap, ms (defaults 1 s and 60 s, plus 1 s). */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** The sink's insert retries within one run (default core/retry.ts DEFAULT_RETRY). */
  sinkRetry?: Partial<RetryOptions>;
  /** The source kinds entries may name (default: the built-in ones, ingest/sources/registry.ts). */
  registry: SourceRegistry;
}

export const DEFAULT_SUPERVISE: SuperviseOptions = {
  parkAfter: 5,
  parkedRetryMs: 15 * 60_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 60_000,
  registry: SOURCES,
};

/**
 * Runs every configured source through normalize → sink until `signal` aborts. A pipeline that
 * stops on a failed write (the batch stays un-acked, so nothing is lost) is restarted with backoff:
 * after start, the process never dies because of data or a transient outage. Each source has its
 * own supervisor, so one that keeps failing never holds up the others: after `parkAfter` failed
 * runs in a row it is **parked** (logged once at error level with its error, gauge
 * `flowlens_source_parked{source}` = 1) and retried only every `parkedRetryMs`. Only the source's
 * own failures count: a failed write (the database) and a source failure while the database does
 * not answer are an outage every source shares, so they restart with backoff and never park — a
 * 2-minute outage costs about 2 minutes of ingest, not the parking interval. A configuration error
 * (a secret missing from the environment) still fails the run at once.
 */
export async function startIngest(
  config: Config,
  deps: SourceDeps,
  signal: AbortSignal,
  options: Partial<SuperviseOptions> = {},
): Promise<void> {
  const opts = { ...DEFAULT_SUPERVISE, ...options };
  await Promise.all(config.sources.map((cfg, i) => superviseSource(config, cfg, i, deps, signal, opts)));
}

async function superviseSource(
  config: Config,
  cfg: Config['sources'][number],
  index: number,
  deps: SourceDeps,
  signal: AbortSignal,
  opts: SuperviseOptions,
): Promise<void> {
  const label = cfg.name ?? `${cfg.type}#${index}`;
  const parking = parkingState(label, deps);
  let failures = 0;
  for (let attempt = 0; !signal.aborted; attempt++) {
    const result = await runOnce(config, cfg, label, deps, signal, opts);
    if (result.batches > 0) parking.unpark();
    if (!result.error) {
      if (opts.registry.get(cfg.type)?.finite) return; // a file replay ends; streaming sources end only on abort
      attempt = 0;
      failures = 0;
    } else {
      const sourceSide = result.failedStep === 'source' && (await databaseAnswers(deps));
      if (result.batches > 0) failures = 0;
      if (sourceSide) failures++;
      if (failures >= opts.parkAfter) {
        parking.park(result.error, failures, opts.parkedRetryMs);
        await sleep(opts.parkedRetryMs, signal);
        continue;
      }
      const msg = sourceSide ? 'source stopped; restarting' : 'database failed; restarting the source';
      deps.logger.warn({ source: label, err: errorMessage(result.error) }, msg);
    }
    const delay = backoffDelay(Math.min(attempt, 6), opts.backoffBaseMs, opts.backoffMaxMs);
    await sleep(delay + opts.backoffBaseMs, signal);
  }
}

/** A source failing while the database does not answer (its cursors live there) is the outage. */
async function databaseAnswers(deps: SourceDeps): Promise<boolean> {
  try {
    await deps.db.client.command({ query: 'SELECT 1' });
    return true;
  } catch {
    return false;
  }
}

/**
 * One run of a source's pipeline; a source or sink that cannot even be built is a failed run. The
 * registry builds the source inert, instrumented (the uniform `flowlens_source_*` series) and with
 * its stop guarded; rows committed come from the pipeline's stats.
 */
async function runOnce(
  config: Config,
  cfg: Config['sources'][number],
  label: string,
  deps: SourceDeps,
  signal: AbortSignal,
  opts: SuperviseOptions,
): Promise<PipelineResult> {
  let built: BuiltSource | undefined;
  let sink: ReturnType<typeof sinkFromConfig> | undefined;
  try {
    built = opts.registry.build(cfg, label, deps);
    sink = sinkFromConfig(config, deps, signal, undefined, opts.sinkRetry);
    let rows = 0;
    const { source, normalize } = built;
    const result = await runPipeline({
      source,
      normalize,
      sink,
      metrics: deps.metrics,
      logger: deps.logger,
      signal,
      onBatch: (stats) => {
        built?.committed(stats.rows - rows);
        rows = stats.rows;
      },
    });
    if (result.failedStep === 'write') built.writeFailed();
    return result;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const error = err instanceof Error ? err : new Error(String(err));
    return {
      ...emptyPipelineStats(),
      error,
      failedStep: built ? 'write' : 'source',
    };
  } finally {
    await built?.source.stop(10_000).catch(() => {});
    await sink?.close().catch(() => {});
  }
}

function parkingState(label: string, deps: SourceDeps) {
  let parked = false;
  deps.metrics.sourceParked.set({ source: label }, 0);
  return {
    park(err: Error, failures: number, retryMs: number) {
      if (parked) return;
      parked = true;
      deps.metrics.sourceParked.set({ source: label }, 1);
      deps.logger.error(
        { source: label, err: errorMessage(err), failures, retryEveryMs: retryMs },
        'source parked: it keeps failing; the other sources go on',
      );
    },
    unpark() {
      if (!parked) return;
      parked = false;
      deps.metrics.sourceParked.set({ source: label }, 0);
      deps.logger.info({ source: label }, 'source unparked');
    },
  };
}
