/** A filter expression the server refuses, with the character offset the problem starts at. */
export class FilterError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} (at ${position})`);
    this.name = 'FilterError';
  }
}

/** Limits that keep a hostile filter from costing more than a normal one. */
export const FILTER_LIMITS = {
  maxLength: 16_000,
  maxTokens: 2500,
  maxDepth: 32,
  maxInValues: 1000,
  maxStringLength: 256,
} as const;
