/**
 * Time is an input: code that reads the clock takes a {@link Clock}, so tests can pin it and the
 * composition root (cli/context.ts) is the one place that uses the system's.
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
