import { z } from 'zod';

/**
 * Fault switches of the ClickHouse HTTP test double, set through its control port (process.ts):
 * - `down`: the listener closes and open connections are dropped (connection refused) until false;
 * - `slowInsertMs`: every insert waits this long before it runs (a slow or overloaded server);
 * - `unavailable`: the next N requests get a bare HTTP 503 (what a proxy in front of a restarting
 *   server answers);
 * - `resetInserts`: the next N inserts have their connection reset after the first body bytes
 *   arrived, before anything is written;
 * - `dropResponses`: the next N inserts are written, then their connection is reset before the
 *   response (the client cannot know the insert landed: its retry must be deduplicated);
 * - `error`: the next `count` requests (or inserts only) fail with ClickHouse error `code`
 *   (e.g. 252 TOO_MANY_PARTS, 241 MEMORY_LIMIT_EXCEEDED), nothing written.
 * Omitted fields keep their value; `{ clear: true }` resets everything.
 */
export const FaultPatch = z
  .object({
    clear: z.boolean(),
    down: z.boolean(),
    slowInsertMs: z.number().int().min(0),
    unavailable: z.number().int().min(0),
    resetInserts: z.number().int().min(0),
    dropResponses: z.number().int().min(0),
    error: z.object({
      code: z.number().int().positive(),
      count: z.number().int().min(0),
      scope: z.enum(['insert', 'all']).default('insert'),
    }),
  })
  .partial()
  .strict();
export type FaultPatch = z.input<typeof FaultPatch>;

export interface FaultState {
  down: boolean;
  slowInsertMs: number;
  unavailable: number;
  resetInserts: number;
  dropResponses: number;
  error: { code: number; count: number; scope: 'insert' | 'all' } | null;
}

/** What the double counted since it started (tests assert that a fault really fired). */
export interface DoubleStats {
  requests: number;
  inserts: number;
  insertedOk: number;
  served503: number;
  resets: number;
  droppedResponses: number;
  slowedInserts: number;
  injectedErrors: number;
}

export function noFaults(): FaultState {
  return { down: false, slowInsertMs: 0, unavailable: 0, resetInserts: 0, dropResponses: 0, error: null };
}

export function applyPatch(state: FaultState, input: unknown): FaultState {
  const patch = FaultPatch.parse(input);
  const base = patch.clear ? noFaults() : state;
  return {
    down: patch.down ?? base.down,
    slowInsertMs: patch.slowInsertMs ?? base.slowInsertMs,
    unavailable: patch.unavailable ?? base.unavailable,
    resetInserts: patch.resetInserts ?? base.resetInserts,
    dropResponses: patch.dropResponses ?? base.dropResponses,
    error: patch.error ? { ...patch.error, scope: patch.error.scope ?? 'insert' } : base.error,
  };
}

/** Takes one injected error for this request if one is armed for its kind. */
export function takeError(state: FaultState, isInsert: boolean): number | undefined {
  const e = state.error;
  if (!e || e.count <= 0 || (e.scope === 'insert' && !isInsert)) return undefined;
  e.count -= 1;
  return e.code;
}
