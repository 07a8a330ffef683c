import { z } from 'zod';

/**
 * NSG rule analysis (`flowlens report rules`, rule findings). Address facts the flow logs do not
 * carry come from here: VNet address spaces for the `VirtualNetwork` tag, the weekly Azure Service
 * Tags JSON file, ASG membership.
 * @see https://learn.microsoft.com/azure/virtual-network/service-tags-overview#discover-service-tags-by-using-downloadable-json-files
 */
export const RulesConfigSchema = z
  .object({
    /** Observation window in days ending now (or at `--to`); fractions allowed (0.25 = 6 h). */
    windowDays: z.number().positive().default(30),
    /** How often `flowlens run` rebuilds the rule report its rule analyzers read (it reads the whole window). */
    refreshMinutes: z.number().positive().default(60),
    /** `VirtualNetwork` tag: VNet address spaces, peerings, on-premises ranges. Private ranges when empty. */
    virtualNetworkPrefixes: z.array(z.string()).default([]),
    /** `ServiceTags_Public_YYYYMMDD.json` from the Microsoft download center. */
    serviceTagsFile: z.string().optional(),
    /** ASG id or name → member IP addresses or prefixes. */
    asgMembers: z.record(z.string(), z.array(z.string())).default({}),
    /** Share of the window that must have flow logs before a rule without hits is called unused. */
    minCoverage: z.number().min(0).max(1).default(0.9),
    coverageSlices: z.number().int().min(1).max(1000).default(30),
    /** A side is narrowed when the proposal keeps at most this share of what the rule allows. */
    maxShare: z.number().gt(0).max(1).default(0.5),
    maxPrefixes: z.number().int().min(1).default(8),
    maxPortEntries: z.number().int().min(1).default(8),
    /** More allowed ports than this from the internet counts as open to the world. */
    broadPorts: z.number().int().min(1).default(10),
    backtestSplit: z.number().gt(0).lt(1).default(0.7),
    /**
     * Subnet prefixes from the VNet inventory and AKS pod CIDRs. Rules whose source is internal
     * (`VirtualNetwork`, a subnet, private ranges) are only narrowed to these, never to single IPs.
     */
    internalScopes: z.array(z.string()).default([]),
  })
  .strict();
export type RulesConfig = z.infer<typeof RulesConfigSchema>;
