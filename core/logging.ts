import { type Logger, type LoggerOptions, pino } from 'pino';
import { redactSecrets, redactText } from './config/redact.js';

export type { Logger };

/**
 * Structured JSON logs to stderr (stdout stays clean for `--json` output and reports).
 * No per-record logging: counters in core/metrics.ts say how many.
 */
export function createLogger(
  level = 'info',
  name = 'flowlens',
  destination: pino.DestinationStream = pino.destination(2),
): Logger {
  return pino({ name, level, base: null, ...REDACTING }, destination);
}

/** Every log line passes the one redaction rule (core/config/redact.ts): fields and messages. */
const REDACTING: Pick<LoggerOptions, 'formatters' | 'hooks'> = {
  formatters: { log: (obj: Record<string, unknown>) => redactSecrets(obj) as Record<string, unknown> },
  hooks: {
    logMethod(args, method) {
      const [first, ...rest] = args.map((a: unknown) => (typeof a === 'string' ? redactText(a) : a));
      method.apply(this, [first as string, ...rest]);
    },
  },
};

/** A logger that drops everything: the default for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
