/**
 * The normalized NSG rule: one shape for ARM JSON, `az` CLI output and `@azure/arm-network` objects.
 * Address and port fields keep what Azure wrote (singular and plural forms merged into lists), so a
 * recommendation can quote the current rule verbatim.
 * @see https://learn.microsoft.com/rest/api/virtualnetwork/network-security-groups/get#securityrule
 */
export const RULE_PROTOCOLS = ['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah', '*'] as const;
export type RuleProtocol = (typeof RULE_PROTOCOLS)[number];
export type RuleDirection = 'inbound' | 'outbound';
export type RuleAccess = 'allow' | 'deny';
/** `user` = `securityRules` (logged `UserRule_`), `default` = `defaultSecurityRules` (`DefaultRule_`). */
export type NsgRuleKind = 'user' | 'default';

export interface NsgRule {
  name: string;
  kind: NsgRuleKind;
  priority: number;
  direction: RuleDirection;
  access: RuleAccess;
  protocol: RuleProtocol;
  /** `*`, `80`, `1024-65535`. */
  sourcePorts: string[];
  destinationPorts: string[];
  /** `*`, CIDR, IP, or a service tag (`VirtualNetwork`, `Internet`, `AzureLoadBalancer`, `Storage.WestUS`…). */
  sourceAddresses: string[];
  destinationAddresses: string[];
  /** Application security group ARM ids (used instead of address prefixes). */
  sourceAsgs: string[];
  destinationAsgs: string[];
  description: string;
}

/** One NSG with its user and default rules. */
export interface NsgDefinition {
  /** ARM id as Azure wrote it. */
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  /** `properties.resourceGuid`: VNet flow logs' `aclID` in Microsoft's examples. */
  resourceGuid: string;
  location: string;
  rules: NsgRule[];
}

/** A flow as the rule model sees it: 16-byte addresses (IPv4 as IPv4-mapped IPv6), IANA protocol. */
export interface FlowTuple {
  srcIp: Uint8Array;
  dstIp: Uint8Array;
  srcPort: number;
  dstPort: number;
  protocol: number;
  direction: RuleDirection;
}
