import { z } from 'zod';

export const MaliciousIpConfigSchema = z
  .object({
    /** Lists (names from `enrich.intel` or `flowlens enrich intel import`) to ignore. */
    ignoreLists: z.array(z.string()).default([]),
    /** Report denied flows (inbound and outbound) as one info finding per list; false drops them. */
    reportDenied: z.boolean().default(true),
    sampleFlows: z.number().int().min(1).max(100).default(5),
  })
  .strict();
export type MaliciousIpConfig = z.infer<typeof MaliciousIpConfigSchema>;
