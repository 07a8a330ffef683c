import { availableParallelism } from 'node:os';
import type { Config } from '../../../core/config/schema.js';
import type { Logger } from '../../../core/logging.js';
import { NormalizerPool } from './pool.js';

/** `auto` never starts more threads than this: past it the engine, not normalizing, is the limit. */
export const AUTO_MAX_WORKERS = 4;

/**
 * Worker threads for `ingest.workers`: a number as given; `auto` = one per core up to
 * {@link AUTO_MAX_WORKERS}, and none on a single core (a thread there only adds a copy per body).
 * Why one per core and not cores − 1: the engine's insert waits in chDB's own threads, so on 2 cores
 * two normalizer threads measured fastest, within the memory bound (docs/ingest.md "Threading").
 */
export function workerCount(setting: Config['ingest']['workers'], cores = availableParallelism()): number {
  if (setting !== 'auto') return setting;
  return cores <= 1 ? 0 : Math.min(cores, AUTO_MAX_WORKERS);
}

/** The process's normalizer pool, or undefined when `ingest.workers` comes to 0 (normalize in-thread). */
export function poolFromConfig(config: Config, logger?: Logger): NormalizerPool | undefined {
  const workers = workerCount(config.ingest.workers);
  return workers > 0 ? new NormalizerPool({ workers, ...(logger ? { logger } : {}) }) : undefined;
}
