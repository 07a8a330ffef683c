import { z } from 'zod';

/** `type: file`: local files or directories, read once (a replay ends; `flowlens run` does not restart it). */
export const FileSourceConfigSchema = z
  .object({
    type: z.literal('file'),
    name: z.string().optional(),
    paths: z.array(z.string()).min(1),
  })
  .strict();
