import type { ClickHouseClient } from '@clickhouse/client';
import type { EnrichConfig } from '../config/sections/enrich.js';
import { inventoryFromArm, type NetworkInventory } from './arm-inventory.js';
import { type ArmNetworkClient, describeFailure, type PullFailure, pullArmNetworks } from './arm-pull.js';
import { ensureNetworks } from './flow-type.js';
import { saveNetworkImport } from './network-imports.js';

export interface ArmSyncResult {
  /** What this import holds (undefined when nothing was stored: the VNets could not be read). */
  inventory?: NetworkInventory;
  failures: PullFailure[];
  problems: string[];
}

/**
 * `rules sync`'s network part: pull, map, store as the import of `arm:<subscription>` (replacing
 * that subscription's previous import) and reload the flow-type inventory (config + imports) at once.
 * When the VNets themselves cannot be read nothing is stored, so the previous import stays in use;
 * another failed type (gateways, connections, local gateways) leaves its part out of this import.
 */
export async function syncArmNetworks(
  client: ClickHouseClient,
  arm: ArmNetworkClient,
  opts: { subscription: string; networks: EnrichConfig['networks']; now: () => Date },
): Promise<ArmSyncResult> {
  const pulled = await pullArmNetworks(arm);
  if (pulled.failures.some((f) => f.resource === 'virtualNetworks'))
    return { failures: pulled.failures, problems: [] };
  const mapped = inventoryFromArm(pulled.resources);
  await saveNetworkImport(client, `arm:${opts.subscription}`, mapped.inventory, opts.now());
  const loaded = await ensureNetworks(client, opts.networks, opts.now);
  return {
    inventory: mapped.inventory,
    failures: pulled.failures,
    problems: [...mapped.problems, ...loaded.problems],
  };
}

/**
 * What `rules sync` prints for the network part: a summary on stdout, failures and problems on
 * stderr; `failed` (exit 1) when Azure refused or failed a resource type, even though the rest was stored.
 */
export function armSyncReport(r: ArmSyncResult): { stdout: string; stderr: string[]; failed: boolean } {
  const inv = r.inventory;
  const stdout = inv
    ? `network inventory: ${inv.vnets.length} VNets, ${inv.peerings.length} peerings, ` +
      `${inv.siteToSite.length} S2S and ${inv.expressRoute.length} ExpressRoute on-premises prefixes, ` +
      `${inv.pointToSite.length} P2S pools`
    : 'network inventory: not imported (the previous import stays in use)';
  return {
    stdout,
    stderr: [...r.failures.map(describeFailure), ...r.problems],
    failed: r.failures.length > 0,
  };
}
