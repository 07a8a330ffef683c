import type {
  GatewayRoute,
  LocalNetworkGateway,
  VirtualNetwork,
  VirtualNetworkGateway,
  VirtualNetworkGatewayConnectionListEntity,
} from '@azure/arm-network';
import type { z } from 'zod';
import type { NetworkInventorySchema } from '../config/sections/enrich.js';
import { onPremisesRoutes, type SkippedRoutes } from './arm-learned-routes.js';

/** The network inventory in the shape of `enrich.networks` (config and imports are merged as one). */
export type NetworkInventory = z.infer<typeof NetworkInventorySchema>;

/** What `rules sync` reads from ARM for flow and connection types (core/enrich/arm-pull.ts). */
export interface ArmNetworkResources {
  vnets: VirtualNetwork[];
  gateways: VirtualNetworkGateway[];
  /** Connections of the VPN gateways (`virtualNetworkGateways.listConnections`). */
  connections: VirtualNetworkGatewayConnectionListEntity[];
  /** Local network gateways that a connection names (`localNetworkGateways.get`). */
  localGateways: LocalNetworkGateway[];
  /** Routes each ExpressRoute gateway learned (`virtualNetworkGateways.getLearnedRoutes`). */
  learnedRoutes: { gatewayId: string; routes: GatewayRoute[] }[];
}

/**
 * Maps ARM resources to the inventory (Traffic Analytics' sources for FlowType/ConnectionType):
 * - VNets: their address spaces, named by the VNet name (the ARM id when two VNets share a name);
 * - peerings in state `Connected` (Initiated/Disconnected carry no traffic): the pair, and the
 *   remote VNet's address space when the remote VNet is not in the listing (another subscription);
 * - VPN gateways: the P2S client address pools (`vpnClientConfiguration.vpnClientAddressPool`);
 * - IPsec connections: the on-premises prefixes of their local network gateway (S2S, VpnGateway).
 * - ExpressRoute gateways: the routes learned from outside Azure (origin `EBgp`): on-premises prefixes
 *   behind ExpressRoute (S2S, ExpressRoute), less default routes, short public routes and other Azure
 *   VNets on the circuit (core/enrich/arm-learned-routes.ts; `skippedRoutes` counts them). A VNet's
 *   own prefix, learned back, stays a VNet: VNet rows of every import beat on-premises rows of the
 *   same prefix (core/enrich/flow-type.ts).
 */
export function inventoryFromArm(r: ArmNetworkResources): {
  inventory: NetworkInventory;
  problems: string[];
  skippedRoutes: SkippedRoutes;
} {
  const problems: string[] = [];
  const { vnets, peerings } = vnetsAndPeerings(r.vnets, problems);
  const learned = onPremisesRoutes(r.learnedRoutes.flatMap((g) => g.routes));
  return {
    skippedRoutes: learned.skipped,
    inventory: {
      vnets,
      peerings,
      siteToSite: siteToSite(r, problems),
      expressRoute: learned.prefixes,
      pointToSite: r.gateways
        .filter((g) => g.gatewayType === 'Vpn')
        .flatMap((g) => g.vpnClientConfiguration?.vpnClientAddressPool?.addressPrefixes ?? []),
    },
    problems,
  };
}

/** Listed VNets, remote VNets known only through a peering, and the Connected peered pairs. */
function vnetsAndPeerings(
  list: VirtualNetwork[],
  problems: string[],
): Pick<NetworkInventory, 'vnets' | 'peerings'> {
  const nameOf = vnetNamer([
    ...list.map((v) => v.id ?? ''),
    ...list.flatMap((v) => (v.virtualNetworkPeerings ?? []).map((p) => p.remoteVirtualNetwork?.id ?? '')),
  ]);
  const prefixes = new Map<string, Set<string>>();
  const addVnet = (name: string, more: readonly string[] | undefined) => {
    const set = prefixes.get(name) ?? new Set<string>();
    for (const p of more ?? []) set.add(p);
    prefixes.set(name, set);
  };
  for (const v of list) if (v.id) addVnet(nameOf(v.id), v.addressSpace?.addressPrefixes);
  const peerings: [string, string][] = [];
  for (const v of list) {
    for (const p of v.virtualNetworkPeerings ?? []) {
      const remote = p.remoteVirtualNetwork?.id;
      if (!v.id || !remote || p.peeringState !== 'Connected') continue;
      if (!list.some((x) => sameId(x.id, remote)))
        addVnet(
          nameOf(remote),
          p.remoteVirtualNetworkAddressSpace?.addressPrefixes ?? p.remoteAddressSpace?.addressPrefixes,
        );
      peerings.push([nameOf(v.id), nameOf(remote)]);
    }
  }
  const vnets = [...prefixes].flatMap(([name, set]) => {
    if (set.size) return [{ name, prefixes: [...set] }];
    problems.push(`virtual network ${name}: no address space, skipped`);
    return [];
  });
  const known = new Set(vnets.map((v) => v.name));
  return { vnets, peerings: peerings.filter(([a, b]) => known.has(a) && known.has(b)) };
}

/** On-premises prefixes of the local network gateways that an IPsec (site-to-site) connection uses. */
function siteToSite(r: ArmNetworkResources, problems: string[]): string[] {
  const out = new Set<string>();
  for (const c of r.connections) {
    if (c.connectionType !== 'IPsec' || !c.localNetworkGateway2?.id) continue;
    const local = r.localGateways.find((l) => sameId(l.id, c.localNetworkGateway2?.id));
    if (!local) problems.push(`connection ${c.name ?? c.id}: local network gateway not read, skipped`);
    for (const p of local?.localNetworkAddressSpace?.addressPrefixes ?? []) out.add(p);
  }
  return [...out];
}

/** VNet id → name: the resource name, or the whole (lower-cased) id when the name is ambiguous. */
function vnetNamer(ids: string[]): (id: string) => string {
  const byName = new Map<string, Set<string>>();
  for (const id of ids.filter(Boolean)) {
    const name = lastSegment(id);
    byName.set(name.toLowerCase(), (byName.get(name.toLowerCase()) ?? new Set()).add(id.toLowerCase()));
  }
  return (id) => {
    const name = lastSegment(id);
    return (byName.get(name.toLowerCase())?.size ?? 0) > 1 ? id.toLowerCase() : name;
  };
}

/** ARM ids are case-insensitive (resource groups especially come back in either case). */
export function sameId(a: string | undefined, b: string | undefined): boolean {
  return !!a && !!b && a.toLowerCase() === b.toLowerCase();
}

function lastSegment(id: string): string {
  return id.split('/').filter(Boolean).at(-1) ?? id;
}
