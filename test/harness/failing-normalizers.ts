import { isMainThread } from 'node:worker_threads';
import type { Normalizer } from '../../ingest/contracts.js';
import { normalize } from '../../ingest/normalizers/index.js';

/**
 * Normalizers that break on cue, for the worker pool's tests (`variantsModule`): a body `THROW`
 * makes the normalizer throw, `EXIT` ends its worker thread (as a crash would), anything else is
 * normalized as usual. Loaded outside the main thread with FLOWLENS_TEST_WORKER_FAILS_TO_LOAD set,
 * the module throws, as a worker that cannot start would.
 */
if (!isMainThread && process.env.FLOWLENS_TEST_WORKER_FAILS_TO_LOAD === '1') {
  throw new Error('this worker cannot load its normalizers');
}

const breaking: Normalizer = (body, meta) => {
  const text = body.toString('utf8');
  if (text === 'THROW') throw new Error('boom');
  if (text === 'EXIT') process.exit(7);
  return normalize(body, meta);
};

export const NORMALIZER_VARIANTS = { plain: breaking, 'blob-range': breaking, 'kafka-frames': breaking };
