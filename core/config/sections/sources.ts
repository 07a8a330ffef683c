import { z } from 'zod';

/**
 * One configured source for `flowlens run`, as core sees it: a `type` and an optional `name`. Each
 * source kind owns its schema beside its code (`ingest/sources/<kind>/config.ts`); the ingest source
 * registry composes them, and the composition root passes that schema to `loadConfig`/`parseConfig`
 * (`sources`), so `flowlens config check` reports a bad source entry with the rest. Core cannot import
 * ingest (docs/architecture.md), hence this open shape here; the registry parses each entry again
 * with its kind's schema when it builds the source.
 */
export const SourceEntrySchema = z.looseObject({
  type: z.string().min(1),
  name: z.string().optional(),
});
export type SourceEntry = z.infer<typeof SourceEntrySchema>;
