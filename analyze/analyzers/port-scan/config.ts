import { z } from 'zod';

/**
 * Defaults follow Microsoft Sentinel's published analytics: a port scan is more than 50 distinct
 * destination ports from one source within 5 minutes (denied attempts included: a scan is the
 * attempt, whatever the NSG answered).
 * @see https://github.com/Azure/Azure-Sentinel/tree/master/Solutions (Network session essentials: "Port scan detected")
 */
export const PortScanConfigSchema = z
  .object({
    bucketSeconds: z.number().int().min(60).default(300),
    minPorts: z.number().int().min(2).default(50),
    sampleFlows: z.number().int().min(1).max(100).default(5),
  })
  .strict();
export type PortScanConfig = z.infer<typeof PortScanConfigSchema>;
