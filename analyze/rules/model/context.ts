import { type Cidr, parseCidr } from '../../../core/net/ip.js';

/**
 * What the rule model needs to know beyond the rules themselves to resolve service tags and ASGs.
 * @see https://learn.microsoft.com/azure/virtual-network/service-tags-overview
 */
export interface AddressContext {
  /** The `VirtualNetwork` tag: VNet address spaces, peered VNets, on-premises ranges. */
  virtualNetwork: readonly Cidr[];
  /** Service tag name (lower-case) → prefixes, e.g. from the weekly Service Tags JSON file. */
  serviceTags: ReadonlyMap<string, readonly Cidr[]>;
  /** ASG ARM id or name (lower-case) → member addresses, when membership is known. */
  asgMembers: ReadonlyMap<string, readonly Cidr[]>;
}

/**
 * Used for `VirtualNetwork` when no VNet address space is configured: private ranges are where
 * VNets live in practice. An assumption; configure `rules.virtualNetworkPrefixes` to be exact.
 */
export const DEFAULT_VIRTUAL_NETWORK = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  'fc00::/7',
];

/** `AzureLoadBalancer` is the host's virtual IP that sends health probes. */
export const AZURE_LOAD_BALANCER = ['168.63.129.16/32'];

export function parseCidrs(texts: readonly string[]): Cidr[] {
  return texts.map((t) => parseCidr(t)).filter((c): c is Cidr => c !== null);
}

export function createAddressContext(input: {
  virtualNetwork?: readonly string[];
  serviceTags?: ReadonlyMap<string, readonly string[]>;
  asgMembers?: ReadonlyMap<string, readonly string[]>;
}): AddressContext {
  const lower = (m: ReadonlyMap<string, readonly string[]> | undefined) =>
    new Map([...(m ?? new Map<string, string[]>())].map(([k, v]) => [k.toLowerCase(), parseCidrs(v)]));
  const vnet = input.virtualNetwork?.length ? input.virtualNetwork : DEFAULT_VIRTUAL_NETWORK;
  return {
    virtualNetwork: parseCidrs(vnet),
    serviceTags: lower(input.serviceTags),
    asgMembers: lower(input.asgMembers),
  };
}
