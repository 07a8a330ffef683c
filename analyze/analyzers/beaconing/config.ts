import { z } from 'zod';

/**
 * Defaults follow Microsoft Sentinel's "Potential beaconing activity" analytics (Palo Alto /
 * Fortinet): more than 15 connections from one host to one public destination and port within a
 * day, where more than 80 % of the gaps between connections are the same and gaps of 10 s or less
 * are ignored. Real implants add jitter, so "the same" allows a tolerance (RITA scores regularity
 * with dispersion rather than exact equality).
 * @see https://github.com/Azure/Azure-Sentinel/blob/master/Solutions/PaloAlto-PAN-OS/Analytic%20Rules/PaloAlto-NetworkBeaconing.yaml
 * @see https://github.com/activecm/rita (beacon analysis)
 */
export const BeaconingConfigSchema = z
  .object({
    /** How far back from the end of the run to look (a beacon needs many intervals to show). */
    spanSeconds: z.number().int().min(600).default(86_400),
    minConnections: z.number().int().min(3).default(15),
    /** Share of gaps (percent) that must match the typical gap. */
    beaconPercent: z.number().min(1).max(100).default(80),
    /** Gaps at or below this are bursts/retries, not beacon intervals. */
    minGapSeconds: z.number().min(0).default(10),
    /** A gap matches when within max(toleranceSeconds, tolerancePercent of the typical gap). */
    toleranceSeconds: z.number().min(0).default(2),
    tolerancePercent: z.number().min(0).max(50).default(10),
    /** Ports whose regular traffic is expected (NTP, DNS); a beacon on them stays informational. */
    quietPorts: z.array(z.number().int()).default([53, 123]),
    sampleFlows: z.number().int().min(1).max(100).default(5),
  })
  .strict();
export type BeaconingConfig = z.infer<typeof BeaconingConfigSchema>;
