import { z } from 'zod';

/**
 * Egress volume per internal host and hour, compared with the host's own hourly history.
 * Defaults: 7-day look-back (a weekly cycle), flag an hour above max(minBytes, mean + 3σ,
 * 4 × mean) of the host's active baseline hours — the 3σ rule is what Sentinel's anomaly
 * templates (`series_decompose_anomalies`, threshold 3) and most UEBA volume rules use. Bytes to
 * destinations the host never contacted during the look-back count double (MITRE ATT&CK T1041/T1048:
 * exfiltration goes to attacker infrastructure, i.e. new destinations).
 * @see https://learn.microsoft.com/azure/data-explorer/kusto/query/series-decompose-anomalies-function
 * @see https://attack.mitre.org/techniques/T1048/
 */
export const ExfiltrationConfigSchema = z
  .object({
    lookbackHours: z.number().int().min(1).default(168),
    /** Below this many bytes in an hour nothing is flagged, whatever the baseline (100 MiB). */
    minBytes: z
      .number()
      .int()
      .min(1)
      .default(100 * 1024 * 1024),
    sigma: z.number().min(0).default(3),
    ratio: z.number().min(1).default(4),
    newDestinationWeight: z.number().min(1).default(2),
    /** Fewer active baseline hours than this = no baseline: the finding is capped at low. */
    minBaselineHours: z.number().int().min(0).default(6),
    /** An hour at or above this (10 GiB) to mostly new destinations is critical. */
    criticalBytes: z
      .number()
      .int()
      .min(1)
      .default(10 * 1024 * 1024 * 1024),
    sampleFlows: z.number().int().min(1).max(100).default(5),
  })
  .strict();
export type ExfiltrationConfig = z.infer<typeof ExfiltrationConfigSchema>;
