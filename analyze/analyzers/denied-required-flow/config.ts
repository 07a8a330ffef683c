import { z } from 'zod';

/**
 * A (source, destination, port) that keeps being denied between our own hosts, or from our host to
 * the internet: a required service that an NSG unintentionally blocks (the advice to confirm that
 * required flows are not blocked). Persistence separates it from a one-off: at least `minAttempts`
 * denied connections spread over at least `minHours` distinct hours. A source denied on more than
 * `maxTargets` distinct (destination, port) pairs is scanning, not a broken dependency (that is
 * port-scan/port-sweep material).
 */
export const DeniedRequiredFlowConfigSchema = z
  .object({
    minAttempts: z.number().int().min(1).default(10),
    minHours: z.number().int().min(1).default(3),
    maxTargets: z.number().int().min(1).default(5),
    sampleFlows: z.number().int().min(1).max(100).default(5),
  })
  .strict();
export type DeniedRequiredFlowConfig = z.infer<typeof DeniedRequiredFlowConfigSchema>;
