import { z } from 'zod';
import { MANAGEMENT_PORTS } from '../../ports.js';

export const ExposedManagementPortConfigSchema = z
  .object({
    /** Destination ports (TCP or UDP) that must not accept connections from the internet. */
    ports: z.array(z.number().int().min(0).max(65535)).default(Object.keys(MANAGEMENT_PORTS).map(Number)),
    /** Distinct public sources from which exposure counts as "broad" (one severity step up). */
    manySources: z.number().int().min(2).default(10),
    /**
     * How the allowing NSG rule's source (from the imported inventory) sets the severity. A rule whose
     * source is at most `restrictedMaxEntries` fixed addresses or prefixes, none wider than
     * `restrictedWidestPrefixV4` (IPv6: `restrictedWidestPrefixV6`), with every source seen inside
     * it, is a low "restricted exposure". `*`, `Internet`, `0.0.0.0/0` or a prefix as wide as
     * `openWidestPrefixV4`/`V6` or wider is an open rule: high, critical with `manySources`.
     */
    ruleScope: z
      .object({
        restrictedMaxEntries: z.number().int().min(1).default(8),
        restrictedWidestPrefixV4: z.number().int().min(0).max(32).default(24),
        restrictedWidestPrefixV6: z.number().int().min(0).max(128).default(64),
        openWidestPrefixV4: z.number().int().min(0).max(32).default(8),
        openWidestPrefixV6: z.number().int().min(0).max(128).default(16),
      })
      .strict()
      .prefault({}),
    /**
     * Fallback when the allowing rule is unknown (no inventory imported): at most this many distinct sources over the window (and none on a threat-intel list) look like
     * a rule restricted to a few fixed addresses — an open "any" rule draws internet background
     * scanning within hours: a low "restricted exposure" that names them. Off (0) by default: over
     * a short window an attacker's first connections to an "any" rule look the same; set it (e.g. 3)
     * when analysis windows span days.
     */
    restrictedSources: z.number().int().min(0).default(0),
    /**
     * Sources that are expected (corporate egress, partners): flows from them are not exposure.
     * Addresses or CIDRs.
     */
    trustedSources: z.array(z.string()).default([]),
    sampleFlows: z.number().int().min(1).max(100).default(5),
  })
  .strict();
export type ExposedManagementPortConfig = z.infer<typeof ExposedManagementPortConfigSchema>;
