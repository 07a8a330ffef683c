import type { ClickHouseClient } from '@clickhouse/client';
import type { EnrichConfig } from '../config/sections/enrich.js';
import { inventoryFromArm, type NetworkInventory } from './arm-inventory.js';
import { type ArmNetworkClient, type PullFailure, pullArmNetworks } from './arm-pull.js';
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
