import type { Source } from '../contracts.js';

/** Default for `stop()` without a deadline: what `flowlens run` gives a source on shutdown. */
export const DEFAULT_STOP_DEADLINE_MS = 10_000;

/**
 * Enforces what it can of the stop contract whatever the source does: the first `stop()` runs the
 * source's own (which flushes cursors), later ones return the same promise (safe twice), and it
 * resolves by the deadline even if the source's own stop hangs or throws (the process must be able
 * to exit; what was not flushed is replayed, never lost). Safe without start stays the source's part.
 */
export function guardStop(source: Source): Source {
  let stopping: Promise<void> | undefined;
  return {
    name: source.name,
    batches: (signal) => source.batches(signal),
    stop(deadlineMs = DEFAULT_STOP_DEADLINE_MS) {
      stopping ??= withinDeadline(source.stop(deadlineMs), deadlineMs);
      return stopping;
    },
  };
}

/** Resolves when `work` settles or after `ms`, whichever is first; the timer never outlives it. */
async function withinDeadline(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([work.catch(() => undefined), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
