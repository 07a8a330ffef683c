import { z } from 'zod';
import { PlatformCutSchema } from '../../../core/enrich/platform.js';

/**
 * Defaults after Microsoft Sentinel's "potential beaconing detected" queries: the most frequent
 * time delta between connections as a share of the day's events, beacon threshold 80 %. We flag more
 * than 15 connections and ignore gaps of 10 s or less (the Palo Alto variant uses 30 events and
 * 25 s, too slow for a one-minute beacon). Real implants add jitter, so "the same" allows a
 * tolerance (RITA scores regularity with dispersion rather than exact equality).
 * @see https://github.com/Azure/Azure-Sentinel/blob/master/Solutions/PaloAlto-PAN-OS/Hunting%20Queries/Palo%20Alto%20-%20potential%20beaconing%20detected.yaml
 * @see https://techcommunity.microsoft.com/t5/microsoft-sentinel-blog/detect-network-beaconing-via-intra-request-time-delta-patterns/ba-p/779586
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
    /**
     * Fleet prevalence. Days of history before the span that are checked for the destination; a
     * destination the fleet already talked to on any of them, or that at least `infraPeers` local
     * hosts talk to, is infrastructure (CI long-polls, cron jobs, agents): low at most.
     */
    historyDays: z.number().int().min(0).max(30).default(7),
    infraPeers: z.number().int().min(2).default(3),
    /**
     * Per-connection byte-size regularity (coefficient of variation of bytes per connection, as
     * RITA scores data-size dispersion). At or below `maxByteCv` the payload is fixed-size:
     * required, with a rare and new destination, for medium; a connection series whose gaps'
     * dispersion (MAD / median) is at or below `maxGapDispersion` also counts as a beacon though
     * fewer than `beaconPercent` of its gaps match (a jittered C2 sleep).
     */
    maxByteCv: z.number().min(0).default(0.1),
    maxGapDispersion: z.number().min(0).max(1).default(0.2),
    sampleFlows: z.number().int().min(1).max(100).default(5),
    /** Periodic traffic to Azure platform destinations is not beaconing (core/enrich/platform.ts). */
    azurePlatform: PlatformCutSchema.prefault({}),
  })
  .strict();
export type BeaconingConfig = z.infer<typeof BeaconingConfigSchema>;
