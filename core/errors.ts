/** A configuration or usage problem: reported at start with every problem listed, exit code 2. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? problems[0]!
        : `${problems.length} configuration problems:\n- ${problems.join('\n- ')}`,
    );
    this.name = 'ConfigError';
  }
}

/** An I/O failure worth retrying (network, throttling, a busy database). */
export class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/** A failure that repeating cannot fix (schema mismatch, bad credentials): surface or dead-letter it. */
export class PermanentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
