import { ipBytes } from '../../../core/net/ip.js';
import type { FlowTuple, NsgRule, RuleDirection } from './types.js';

/** A user rule with Azure's defaults for every field not given (any/any, Tcp, Allow, Inbound). */
export function makeRule(partial: Partial<NsgRule> & Pick<NsgRule, 'name' | 'priority'>): NsgRule {
  return {
    kind: 'user',
    direction: 'inbound',
    access: 'allow',
    protocol: 'Tcp',
    sourcePorts: ['*'],
    destinationPorts: ['*'],
    sourceAddresses: ['*'],
    destinationAddresses: ['*'],
    sourceAsgs: [],
    destinationAsgs: [],
    description: '',
    ...partial,
  };
}

/** A flow from text addresses (ClickHouse returns IPv4 in IPv6 columns as `::ffff:a.b.c.d`). */
export function makeFlow(f: {
  src: string;
  dst: string;
  srcPort?: number;
  dstPort: number;
  protocol?: number;
  direction?: RuleDirection;
}): FlowTuple {
  const srcIp = ipBytes(f.src);
  const dstIp = ipBytes(f.dst);
  if (!srcIp || !dstIp) throw new Error(`not an address: ${srcIp ? f.dst : f.src}`);
  return {
    srcIp,
    dstIp,
    srcPort: f.srcPort ?? 50000,
    dstPort: f.dstPort,
    protocol: f.protocol ?? 6,
    direction: f.direction ?? 'inbound',
  };
}

/** The six default rules every NSG carries (NetworkSecurityGroupGet example, 2024-05-01). */
export function defaultRules(): NsgRule[] {
  const d = (
    name: string,
    priority: number,
    direction: RuleDirection,
    access: 'allow' | 'deny',
    src: string,
    dst: string,
  ) =>
    makeRule({
      name,
      priority,
      direction,
      access,
      kind: 'default',
      protocol: '*',
      sourceAddresses: [src],
      destinationAddresses: [dst],
    });
  return [
    d('AllowVnetInBound', 65000, 'inbound', 'allow', 'VirtualNetwork', 'VirtualNetwork'),
    d('AllowAzureLoadBalancerInBound', 65001, 'inbound', 'allow', 'AzureLoadBalancer', '*'),
    d('DenyAllInBound', 65500, 'inbound', 'deny', '*', '*'),
    d('AllowVnetOutBound', 65000, 'outbound', 'allow', 'VirtualNetwork', 'VirtualNetwork'),
    d('AllowInternetOutBound', 65001, 'outbound', 'allow', '*', 'Internet'),
    d('DenyAllOutBound', 65500, 'outbound', 'deny', '*', '*'),
  ];
}
