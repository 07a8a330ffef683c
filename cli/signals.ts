import type { Logger } from '../core/logging.js';

/**
 * First SIGINT/SIGTERM: abort gracefully (sources flush cursors, in-flight writes finish).
 * Second: exit at once with code 1. Returns a function that removes the handlers.
 */
export function onShutdownSignal(controller: AbortController, logger: Logger): () => void {
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    logger.info({ signal }, 'shutting down');
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
