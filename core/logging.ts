import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * Structured JSON logs to stderr (stdout stays clean for `--json` output and reports).
 * No per-record logging: counters in core/metrics.ts say how many.
 */
export function createLogger(level = 'info', name = 'flowlens'): Logger {
  return pino({ name, level, base: null }, pino.destination(2));
}

/** A logger that drops everything: the default for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
