import { z } from 'zod';

/**
 * A port sweep is more than 20 distinct hosts probed on one port by one source within 1 hour, after
 * Sentinel's "Azure Firewall - Port Sweep" analytic (same shape, configurable window and host
 * threshold) and Zeek's address-scan notice. Flow logs arrive per minute, so the window is wider
 * than the firewall rule's 30 seconds.
 * @see https://github.com/Azure/Azure-Sentinel/blob/master/Solutions/Azure%20Firewall/Analytic%20Rules/Azure%20Firewall%20-%20Port%20Sweep.yaml
 */
export const PortSweepConfigSchema = z
  .object({
    bucketSeconds: z.number().int().min(60).default(3600),
    minHosts: z.number().int().min(2).default(20),
    sampleFlows: z.number().int().min(1).max(100).default(5),
  })
  .strict();
export type PortSweepConfig = z.infer<typeof PortSweepConfigSchema>;
