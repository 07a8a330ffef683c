import { z } from 'zod';

/**
 * A suppression (allowlist entry): findings matching every given criterion are stored with status
 * `suppressed` and never alerted. `ips` match the finding's subject `ip` or `remoteIp` (addresses or
 * CIDRs). Entries without `expires` never expire; expired entries are ignored.
 */
export const SuppressionSchema = z
  .object({
    categories: z.array(z.string()).optional(),
    ips: z.array(z.string()).optional(),
    ports: z.array(z.number().int().min(0).max(65535)).optional(),
    nsgs: z.array(z.string()).optional(),
    rules: z.array(z.string()).optional(),
    expires: z.iso.datetime({ offset: true }).optional(),
    reason: z.string().min(1),
    by: z.string().default('config'),
  })
  .strict();
export type Suppression = z.infer<typeof SuppressionSchema>;

export const AnalyzeConfigSchema = z
  .object({
    /** How often `flowlens run` analyzes newly ingested data. */
    intervalSeconds: z.number().int().min(5).default(60),
    /** Re-read rows ingested this long before the last watermark (inserts that committed late). */
    overlapSeconds: z.number().int().min(0).default(120),
    /** First run of the loop, and `flowlens analyze` without --from: this far back from the newest flow. */
    initialLookbackHours: z.number().min(0).default(24),
    /**
     * Minutes between runs per analyzer id (default: every tick). Analyzers that re-read long
     * look-backs (beaconing 24 h, exfiltration 7 days) can run less often on large estates; the data
     * that arrived in between is analyzed at their next run.
     */
    cadenceMinutes: z.record(z.string(), z.number().int().min(1)).default({}),
    /** Analyzer ids to skip. */
    disabled: z.array(z.string()).default([]),
    /** Per-analyzer settings keyed by analyzer id (validated by the analyzer's own schema at start). */
    analyzers: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    threatIntel: z
      .object({
        /** Files with one IP or CIDR per line (`#`/`;` comments), read at start and every refresh. */
        files: z.array(z.string()).default([]),
        /** Lists fetched over HTTPS when configured (air-gapped deployments use files). */
        urls: z.array(z.url()).default([]),
        refreshMinutes: z.number().int().min(1).default(60),
      })
      .strict()
      .prefault({}),
    suppressions: z.array(SuppressionSchema).default([]),
  })
  .strict();
export type AnalyzeConfig = z.infer<typeof AnalyzeConfigSchema>;
