import type { ClickHouseClient } from '@clickhouse/client';
import type { EnrichConfig } from '../config/sections/enrich.js';
import { inventoryFromArm, type NetworkInventory } from './arm-inventory.js';
import { describeSkippedRoutes, prefixSkipReason, type SkippedRoutes } from './arm-learned-routes.js';
import { type ArmNetworkClient, describeFailure, type PullFailure, pullArmNetworks } from './arm-pull.js';
import { ensureNetworks } from './flow-type.js';
import { readNetworkImports, saveNetworkImport } from './network-imports.js';

/** The parts of an import that a gateway-side read gives (VNets and peerings come from the VNet list). */
export type GatewayPart = 'siteToSite' | 'expressRoute' | 'pointToSite';

/** Which parts a failed read leaves incomplete: no gateways of a group → none of what lies behind them. */
const PARTS_OF: Record<string, GatewayPart[]> = {
  virtualNetworkGateways: ['siteToSite', 'expressRoute', 'pointToSite'],
  connections: ['siteToSite'],
  localNetworkGateways: ['siteToSite'],
  learnedRoutes: ['expressRoute'],
};

const PART_NAMES: Record<GatewayPart, string> = {
  siteToSite: 'S2S prefixes',
  expressRoute: 'ExpressRoute prefixes',
  pointToSite: 'P2S pools',
};

export interface ArmSyncResult {
  /** The subscription's import as stored (undefined when nothing was stored: the VNets could not be read). */
  inventory?: NetworkInventory;
  failures: PullFailure[];
  problems: string[];
  /** Parts a failure left incomplete, completed from the previous import of the subscription. */
  carried: GatewayPart[];
  /** Parts a failure left incomplete with no previous import to complete them from. */
  incomplete: GatewayPart[];
  skippedRoutes?: SkippedRoutes;
}

/**
 * `rules sync`'s network part: pull, map, store as the import of `arm:<subscription>` (replacing
 * that subscription's previous import) and reload the flow-type inventory (config + imports) at once.
 * When the VNets themselves cannot be read nothing is stored, so the previous import stays in use.
 * When another read fails (gateways of one resource group, one gateway's connections or learned
 * routes, a local gateway), each part it leaves incomplete is what was read now plus that part of the
 * previous import, so one failed call does not erase what the last good sync knew.
 */
export async function syncArmNetworks(
  client: ClickHouseClient,
  arm: ArmNetworkClient,
  opts: { subscription: string; networks: EnrichConfig['networks']; now: () => Date },
): Promise<ArmSyncResult> {
  const pulled = await pullArmNetworks(arm);
  if (pulled.failures.some((f) => f.resource === 'virtualNetworks'))
    return { failures: pulled.failures, problems: [], carried: [], incomplete: [] };
  const mapped = inventoryFromArm(pulled.resources);
  const source = `arm:${opts.subscription}`;
  const stored = await readNetworkImports(client);
  const previous = stored.imports.find((i) => i.source === source)?.inventory;
  const merged = carryOver(mapped.inventory, previous, pulled.failures);
  await saveNetworkImport(client, source, merged.inventory, opts.now());
  const loaded = await ensureNetworks(client, opts.networks, opts.now);
  return {
    inventory: merged.inventory,
    failures: pulled.failures,
    problems: [...mapped.problems, ...loaded.problems],
    carried: merged.carried,
    incomplete: merged.incomplete,
    skippedRoutes: mapped.skippedRoutes,
  };
}

/**
 * Completes each part a failed read left incomplete with the previous import's (the union: what was
 * read now is added, nothing the last sync knew is lost; what Azure no longer has leaves at the next
 * sync without failures). Carried ExpressRoute prefixes go through the range rules of
 * arm-learned-routes.ts again, for imports stored before those rules.
 */
export function carryOver(
  current: NetworkInventory,
  previous: NetworkInventory | undefined,
  failures: readonly PullFailure[],
): { inventory: NetworkInventory; carried: GatewayPart[]; incomplete: GatewayPart[] } {
  const parts = [...new Set(failures.flatMap((f) => PARTS_OF[f.resource] ?? []))];
  if (!previous) return { inventory: current, carried: [], incomplete: parts };
  const inventory = { ...current };
  for (const part of parts) {
    const before =
      part === 'expressRoute' ? previous[part].filter((p) => !prefixSkipReason(p)) : previous[part];
    inventory[part] = [...new Set([...current[part], ...before])];
  }
  return { inventory, carried: parts, incomplete: [] };
}

/**
 * What `rules sync` prints for the network part: a summary on stdout (and how many learned routes
 * were left out), failures, what was kept from the previous import, and problems on stderr; `failed`
 * (exit 1) when Azure refused or failed any read, even though the rest was stored.
 */
export function armSyncReport(r: ArmSyncResult): { stdout: string; stderr: string[]; failed: boolean } {
  const inv = r.inventory;
  const summary = inv
    ? `network inventory: ${inv.vnets.length} VNets, ${inv.peerings.length} peerings, ` +
      `${inv.siteToSite.length} S2S and ${inv.expressRoute.length} ExpressRoute on-premises prefixes, ` +
      `${inv.pointToSite.length} P2S pools`
    : 'network inventory: not imported (the previous import stays in use)';
  const skipped = r.skippedRoutes && describeSkippedRoutes(r.skippedRoutes);
  const names = (parts: GatewayPart[]) => parts.map((p) => PART_NAMES[p]).join(', ');
  return {
    stdout: skipped ? `${summary}\n${skipped}` : summary,
    stderr: [
      ...r.failures.map(describeFailure),
      ...(r.carried.length
        ? [`network inventory: ${names(r.carried)} completed from the previous import (reads failed above)`]
        : []),
      ...(r.incomplete.length
        ? [`network inventory: ${names(r.incomplete)} incomplete (reads failed above, no previous import)`]
        : []),
      ...r.problems,
    ],
    failed: r.failures.length > 0,
  };
}
