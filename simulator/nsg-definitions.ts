import {
  NSGS,
  type NsgSpec,
  nsgArmId,
  REGION,
  RESOURCE_GROUP,
  type RuleSpec,
  subnetArmId,
} from './topology.js';

/**
 * The simulated NSGs as Azure Resource Manager returns them (`GET networkSecurityGroups`, REST shape
 * with nested `properties`), including the six default rules every NSG has.
 * @see https://learn.microsoft.com/rest/api/virtualnetwork/network-security-groups/get
 */
export function nsgDefinitions(): object[] {
  return NSGS.map(armNsg);
}

function armNsg(nsg: NsgSpec): object {
  const id = nsgArmId(nsg.name);
  return {
    name: nsg.name,
    id,
    type: 'Microsoft.Network/networkSecurityGroups',
    location: REGION,
    resourceGroup: RESOURCE_GROUP,
    properties: {
      resourceGuid: nsg.resourceGuid,
      provisioningState: 'Succeeded',
      securityRules: nsg.rules.map((r) => armRule(id, 'securityRules', r)),
      defaultSecurityRules: DEFAULT_RULES.map((r) => armRule(id, 'defaultSecurityRules', r)),
      subnets: [{ id: subnetArmId(nsg.subnet) }],
    },
  };
}

function armRule(nsgId: string, kind: 'securityRules' | 'defaultSecurityRules', r: RuleSpec): object {
  const single = <T>(values: T[]) => (values.length === 1 ? values[0] : undefined);
  return {
    name: r.name,
    id: `${nsgId}/${kind}/${r.name}`,
    type: `Microsoft.Network/networkSecurityGroups/${kind}`,
    properties: {
      description: r.description,
      protocol: r.protocol,
      sourcePortRange: '*',
      destinationPortRange: single(r.destinationPortRanges),
      destinationPortRanges: r.destinationPortRanges.length > 1 ? r.destinationPortRanges : [],
      sourceAddressPrefix: single(r.sourceAddressPrefixes),
      sourceAddressPrefixes: r.sourceAddressPrefixes.length > 1 ? r.sourceAddressPrefixes : [],
      destinationAddressPrefix: single(r.destinationAddressPrefixes),
      destinationAddressPrefixes: r.destinationAddressPrefixes.length > 1 ? r.destinationAddressPrefixes : [],
      access: r.access,
      priority: r.priority,
      direction: r.direction,
      provisioningState: 'Succeeded',
    },
  };
}

const def = (
  name: string,
  priority: number,
  direction: 'Inbound' | 'Outbound',
  access: 'Allow' | 'Deny',
  source: string,
  destination: string,
  description: string,
): RuleSpec => ({
  name,
  priority,
  direction,
  access,
  protocol: '*',
  sourceAddressPrefixes: [source],
  destinationAddressPrefixes: [destination],
  destinationPortRanges: ['*'],
  description,
});

/** Identical in every NSG (azure-rest-api-specs example NetworkSecurityGroupGet.json). */
export const DEFAULT_RULES: readonly RuleSpec[] = [
  def(
    'AllowVnetInBound',
    65000,
    'Inbound',
    'Allow',
    'VirtualNetwork',
    'VirtualNetwork',
    'Allow inbound traffic from all VMs in VNET',
  ),
  def(
    'AllowAzureLoadBalancerInBound',
    65001,
    'Inbound',
    'Allow',
    'AzureLoadBalancer',
    '*',
    'Allow inbound traffic from azure load balancer',
  ),
  def('DenyAllInBound', 65500, 'Inbound', 'Deny', '*', '*', 'Deny all inbound traffic'),
  def(
    'AllowVnetOutBound',
    65000,
    'Outbound',
    'Allow',
    'VirtualNetwork',
    'VirtualNetwork',
    'Allow outbound traffic from all VMs to all VMs in VNET',
  ),
  def(
    'AllowInternetOutBound',
    65001,
    'Outbound',
    'Allow',
    '*',
    'Internet',
    'Allow outbound traffic from all VMs to Internet',
  ),
  def('DenyAllOutBound', 65500, 'Outbound', 'Deny', '*', '*', 'Deny all outbound traffic'),
];
