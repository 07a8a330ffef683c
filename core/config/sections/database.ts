import { z } from 'zod';

export const DatabaseConfigSchema = z
  .object({
    /** Embedded chDB data directory (default mode). */
    path: z.string().default('./.flowlens'),
    /** ClickHouse server URL; when set, the server is used instead of chDB. */
    url: z.url().optional(),
    username: z.string().optional(),
    /** Secret: only from env FLOWLENS_DATABASE_PASSWORD. */
    password: z.string().optional(),
    database: z.string().default('default'),
    /** Cluster name for ON CLUSTER DDL (server mode only). */
    cluster: z.string().optional(),
    retention: z
      .object({
        rawDays: z.number().int().min(0).default(30),
        minuteDays: z.number().int().min(0).default(90),
        hourDays: z.number().int().min(0).default(730),
      })
      .prefault({}),
  })
  .strict();
