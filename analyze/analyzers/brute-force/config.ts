import { z } from 'zod';
import { BRUTE_FORCE_PORTS } from '../../ports.js';

/**
 * Defaults follow Microsoft Sentinel's RDP/SSH brute-force analytics: 25 or more attempts from one
 * source against one host within 5 minutes. Flow logs see connections, not logins, so an attempt is
 * a distinct allowed TCP connection (source port); "short" means little data per connection (a
 * failed SSH/RDP login exchanges a few KB; an interactive session moves far more).
 * @see https://github.com/Azure/Azure-Sentinel/tree/master/Solutions (Windows Security Events / Syslog brute-force analytics)
 */
export const BruteForceConfigSchema = z
  .object({
    ports: z.array(z.number().int().min(0).max(65535)).default(BRUTE_FORCE_PORTS),
    bucketSeconds: z.number().int().min(60).default(300),
    minAttempts: z.number().int().min(2).default(25),
    /** Average bytes (both ways) per attempt above which the connections are not "short". */
    maxAvgBytesPerAttempt: z.number().int().min(1).default(50_000),
    /** A single tuple this large, or a continuing (C) tuple, suggests a login succeeded. */
    successBytes: z.number().int().min(1).default(200_000),
    sampleFlows: z.number().int().min(1).max(100).default(5),
  })
  .strict();
export type BruteForceConfig = z.infer<typeof BruteForceConfigSchema>;
