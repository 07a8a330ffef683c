import { z } from 'zod';
import { DestinationGroupsSchema } from './groups.js';

const MiB = 1024 * 1024;

/**
 * Egress per (internal host, public destination) and hour, on connections the host opened.
 * Bytes a server returns on connections the remote side opened (web responses, RDP session output)
 * are not exfiltration candidates: they answer the remote's request.
 *
 * - A **new destination** (the fleet never sent to it before, with at least `minHistoryHours` of
 *   look-back to know that, and first contact less than `noveltyHours` ago) is high when one hour
 *   reaches `minBytes`, or when `cumulativeBytes` go to it within 24 h (low and slow, MITRE
 *   T1030 "data transfer size limits"); critical from `criticalBytes` in an hour.
 * - A **known destination** is judged against that pair's own hourly history: medium above
 *   max(minBytes, mean + σ·sigma, ratio × the pair's largest earlier hour). A host's nightly backup
 *   therefore never hides a new destination, and never looks anomalous itself.
 * - A destination new to the host but known to the fleet (a shared service) is low.
 * - A "destination" is a group (`destinationGroups`, groups.ts): the most specific service tag
 *   (`Storage.WestEurope`), else the AS, else the address. Bulk egress to a host's usual Storage
 *   tag is thus weighed against the host's baseline to that tag, not counted as 40 new addresses.
 * @see https://attack.mitre.org/techniques/T1048/
 * @see https://attack.mitre.org/techniques/T1030/
 */
export const ExfiltrationConfigSchema = z
  .object({
    lookbackHours: z.number().int().min(1).default(168),
    /** One hour to one destination below this (100 MiB) is never flagged on its own. */
    minBytes: z
      .number()
      .int()
      .min(1)
      .default(100 * MiB),
    /** 24 h total to one new destination that is flagged even in small hours (500 MiB). */
    cumulativeBytes: z
      .number()
      .int()
      .min(1)
      .default(500 * MiB),
    sigma: z.number().min(0).default(3),
    ratio: z.number().min(1).default(4),
    /** A destination first contacted less than this long ago is new. */
    noveltyHours: z.number().int().min(1).default(24),
    /** Look-back the data must cover before a first contact for it to count as new. */
    minHistoryHours: z.number().int().min(0).default(12),
    /** An hour at or above this (10 GiB) to a new destination is critical. */
    criticalBytes: z
      .number()
      .int()
      .min(1)
      .default(10 * 1024 * MiB),
    sampleFlows: z.number().int().min(1).max(100).default(5),
    destinationGroups: DestinationGroupsSchema.prefault({}),
  })
  .strict();
export type ExfiltrationConfig = z.infer<typeof ExfiltrationConfigSchema>;
