import { z } from 'zod';

/** `type: dummy`: `tuples` NSG v2 tuples dated from `startTime`, in `bodies` bodies (a test-only kind). */
export const DummySourceConfigSchema = z
  .object({
    type: z.literal('dummy'),
    name: z.string().optional(),
    tuples: z.number().int().min(1),
    bodies: z.number().int().min(1).default(2),
    startTime: z.iso.datetime(),
  })
  .strict();
export type DummySourceConfig = z.infer<typeof DummySourceConfigSchema>;
