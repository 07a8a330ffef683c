import { z } from 'zod';

/**
 * Defaults follow Microsoft Sentinel's "Port sweep" analytic: more than 20 distinct hosts probed on
 * one port by one source within 1 hour.
 * @see https://github.com/Azure/Azure-Sentinel/tree/master/Solutions (Network session essentials: "Port sweep detected")
 */
export const PortSweepConfigSchema = z
  .object({
    bucketSeconds: z.number().int().min(60).default(3600),
    minHosts: z.number().int().min(2).default(20),
    sampleFlows: z.number().int().min(1).max(100).default(5),
  })
  .strict();
export type PortSweepConfig = z.infer<typeof PortSweepConfigSchema>;
