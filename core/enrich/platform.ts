import { z } from 'zod';
import { enrichSql } from './tables.js';

/**
 * Noise cut shared by detectors: traffic to Azure platform destinations (service tags such as
 * AzureMonitor, and the fixed platform addresses 168.63.129.16 — DNS, health probes, VM agent — and
 * 169.254.169.254 — IMDS, which are in no service tag) is periodic by design and is not beaconing.
 * A detector embeds `platformCutSql` in its WHERE clause and names the cut in its evidence.
 * The tag match is on the most specific tag, so `AzureCloud` only catches Azure addresses with no
 * more specific tag — which includes tenants' own VMs: an attacker's C2 on an Azure VM is cut too.
 * Remove `AzureCloud` from `tags` when that matters more than the noise.
 */
export const PlatformCutSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Service-tag base names (before the region suffix). */
    tags: z.array(z.string()).default(['AzureMonitor', 'AzureCloud']),
    addresses: z.array(z.string()).default(['168.63.129.16', '169.254.169.254']),
  })
  .strict();
export type PlatformCut = z.infer<typeof PlatformCutSchema>;

/** A SQL condition that is true for traffic to keep (not to a platform destination), with its parameters. */
export function platformCutSql(
  cut: PlatformCut,
  ipColumn: string,
): { sql: string; params: Record<string, unknown> } {
  if (!cut.enabled) return { sql: '1', params: {} };
  const tag = enrichSql.serviceTag(ipColumn);
  return {
    sql:
      `NOT (splitByChar('.', ${tag})[1] IN {platformTags:Array(String)} ` +
      `OR ${ipColumn} IN arrayMap(x -> toIPv6(x), {platformAddresses:Array(String)}))`,
    params: { platformTags: cut.tags, platformAddresses: cut.addresses },
  };
}

/** What a finding's evidence says about the cut that was applied. */
export function platformCutEvidence(cut: PlatformCut): { noiseCuts: string[] } {
  return { noiseCuts: cut.enabled ? [`azure-platform: ${[...cut.tags, ...cut.addresses].join(', ')}`] : [] };
}
