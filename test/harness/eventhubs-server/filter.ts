/**
 * Part of the Event Hubs **test double** (not an emulator): parses the selector filter the real
 * `@azure/event-hubs` SDK puts on a partition receiver's source, e.g.
 * `amqp.annotation.x-opt-offset > '1234'`, `amqp.annotation.x-opt-sequence-number >= '7'`,
 * `amqp.annotation.x-opt-enqueued-time > '1700000000000'`. Offsets `-1` (earliest) and `@latest`
 * are the SDK's special values.
 * @see https://learn.microsoft.com/azure/event-hubs/event-hubs-amqp-troubleshoot
 */
export type StartFilter =
  | { kind: 'offset'; value: number; inclusive: boolean }
  | { kind: 'latest' }
  | { kind: 'sequence'; value: number; inclusive: boolean }
  | { kind: 'enqueued'; valueMs: number; inclusive: boolean };

const FILTER_RE =
  /^\s*amqp\.annotation\.x-opt-(offset|sequence-number|enqueued-time)\s*(>=|>)\s*'([^']*)'\s*$/;

/** Returns undefined for anything this double does not understand (the link is then refused). */
export function parseSelectorFilter(text: string | undefined): StartFilter | undefined {
  if (text === undefined) return { kind: 'offset', value: -1, inclusive: false };
  const m = FILTER_RE.exec(text);
  if (!m) return undefined;
  const [, field, op, raw] = m as unknown as [string, string, string, string];
  const inclusive = op === '>=';
  if (field === 'offset' && raw === '@latest') return { kind: 'latest' };
  const value = Number(raw);
  if (!Number.isFinite(value)) return undefined;
  if (field === 'offset') return { kind: 'offset', value, inclusive };
  if (field === 'sequence-number') return { kind: 'sequence', value, inclusive };
  return { kind: 'enqueued', valueMs: value, inclusive };
}
