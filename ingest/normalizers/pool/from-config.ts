import { availableParallelism } from 'node:os';
import type { Config } from '../../../core/config/schema.js';
import type { Logger } from '../../../core/logging.js';
import { NormalizerPool } from './pool.js';

/**
 * Worker threads for `ingest.workers`: a number as given, `auto` = AUTO_WORKERS_PER_CORES.
 * Why: measured on 2 cores (docs/ingest.md "Threading"), TODO.
 */
export function workerCount(setting: Config['ingest']['workers'], cores = availableParallelism()): number {
  if (setting !== 'auto') return setting;
  return Math.max(1, Math.min(cores, 4));
}

/** The process's normalizer pool, or undefined when `ingest.workers` is 0 (normalize in-thread). */
export function poolFromConfig(config: Config, logger?: Logger): NormalizerPool | undefined {
  const workers = workerCount(config.ingest.workers);
  return workers > 0 ? new NormalizerPool({ workers, ...(logger ? { logger } : {}) }) : undefined;
}
