import { z } from 'zod';

/**
 * A port scan is more than 50 distinct destination ports from one source to one host within
 * 5 minutes (denied attempts included: a scan is the attempt, whatever the NSG answered). The shape
 * is that of Sentinel's "Port Scan Detected" analytics and Zeek's scan policy (5-minute interval);
 * the 50-port threshold is deliberately above Zeek's 15 so internet background noise stays quiet.
 * @see https://github.com/Azure/Azure-Sentinel/blob/master/Solutions/Sophos%20XG%20Firewall/Analytic%20Rules/PortScanDetected.yaml
 * @see https://docs.zeek.org/en/master/scripts/policy/misc/scan.zeek.html
 */
export const PortScanConfigSchema = z
  .object({
    bucketSeconds: z.number().int().min(60).default(300),
    minPorts: z.number().int().min(2).default(50),
    sampleFlows: z.number().int().min(1).max(100).default(5),
  })
  .strict();
export type PortScanConfig = z.infer<typeof PortScanConfigSchema>;
