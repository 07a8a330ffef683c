import { availableParallelism } from 'node:os';
import type { Config } from '../../../core/config/schema.js';
import type { Logger } from '../../../core/logging.js';
import { NormalizerPool } from './pool.js';

/** `auto` never starts more threads than this: past it the engine, not normalizing, is the limit. */
export const AUTO_MAX_WORKERS = 4;

/**
 * Worker threads for `ingest.workers`: a number as given; `auto` = cores − 1, at most
 * {@link AUTO_MAX_WORKERS}, so none on a single core (a thread there only adds a copy per body).
 * Why cores − 1: the engine's insert needs a core of its own. On 2 cores, 2 workers were not
 * clearly faster than 1 in three runs on a loaded box, and peaked at up to 7.3× the blob in memory
 * against 4.3–5.3× (bar 8×); docs/ingest.md "Threading".
 */
export function workerCount(setting: Config['ingest']['workers'], cores = availableParallelism()): number {
  if (setting !== 'auto') return setting;
  return Math.max(0, Math.min(cores - 1, AUTO_MAX_WORKERS));
}

/** The process's normalizer pool, or undefined when `ingest.workers` comes to 0 (normalize in-thread). */
export function poolFromConfig(config: Config, logger?: Logger): NormalizerPool | undefined {
  const workers = workerCount(config.ingest.workers);
  return workers > 0 ? new NormalizerPool({ workers, ...(logger ? { logger } : {}) }) : undefined;
}
