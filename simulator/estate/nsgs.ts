import { DEFAULT_RULES } from '../nsg-definitions.js';
import type { RuleSpec } from '../topology.js';
import { ESTATE_SUBNETS, EXTERNAL, estateHost } from './topology.js';

/**
 * The estate's NSG inventory, one NSG per subnet, with the user rules its flows are logged under
 * (`UserRule_<name>`) and the six default rules: what `flowlens rules import` would read from ARM.
 * With it the estate runs exposure severity by rule scope (the corporate RDP/SSH rules are
 * "restricted", the planted `*` rules "open") and the rule-narrowing report (internal rules must
 * never narrow to single hosts or pods; issue 12 §6).
 */
const SUB = '00000000-0000-4000-8000-0000000e57a7';
const RG = 'rg-estate';
const CORP = [...EXTERNAL.corpAdmins];

const allow = (
  name: string,
  priority: number,
  protocol: RuleSpec['protocol'],
  sources: string[],
  ports: string[],
  destinations = ['*'],
): RuleSpec => ({
  name,
  priority,
  direction: 'Inbound',
  access: 'Allow',
  protocol,
  sourceAddressPrefixes: sources,
  destinationAddressPrefixes: destinations,
  destinationPortRanges: ports,
  description: name,
});

const RULES: Record<string, RuleSpec[]> = {
  'identity-nsg': [
    allow('AllowDnsFromVnet', 100, 'Udp', ['VirtualNetwork'], ['53']),
    allow('AllowNtpFromVnet', 110, 'Udp', ['VirtualNetwork'], ['123']),
    allow('AllowAdDsFromVnet', 120, 'Tcp', ['VirtualNetwork'], ['88', '135', '389', '445']),
    allow('AllowAdReplication', 130, 'Tcp', ['10.0.1.0/24'], ['135', '49152-65535']),
  ],
  'mgmt-nsg': [allow('AllowRdpFromCorp', 100, 'Tcp', CORP, ['3389'])],
  'shared-nsg': [allow('AllowSmbFromVnet', 100, 'Tcp', ['VirtualNetwork'], ['445'])],
  'web-nsg': [
    allow('AllowHttpsInbound', 100, 'Tcp', ['Internet'], ['443']),
    allow('AllowPrometheusFromAks', 110, 'Tcp', ['10.1.4.0/24'], ['9100']),
  ],
  'app-nsg': [
    allow('AllowWebToApp', 100, 'Tcp', ['10.1.1.0/24'], ['8080']),
    allow('AllowPrometheusFromAks', 110, 'Tcp', ['10.1.4.0/24'], ['9100']),
  ],
  'data-nsg': [allow('AllowSqlFromVnet', 100, 'Tcp', ['VirtualNetwork'], ['1433'])],
  'aks-nsg': [allow('AllowPrometheusFromAks', 110, 'Tcp', ['10.1.4.0/24'], ['9100'])],
  'dev-nsg': [
    allow('AllowSshFromCorp', 100, 'Tcp', CORP, ['22']),
    allow('AllowSshAny', 110, 'Tcp', ['*'], ['22'], [estateHost('dev-3').ip]),
    allow('AllowRdpAny', 120, 'Tcp', ['*'], ['3389'], [estateHost('dev-4').ip]),
  ],
};

/** The NSGs in the flat `az network nsg list` shape that `parseNsgDocument` reads. */
export function estateNsgDocument(): object[] {
  return ESTATE_SUBNETS.map((s) => {
    const id = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/networkSecurityGroups/${s.nsg}`;
    return {
      name: s.nsg,
      id,
      location: 'westeurope',
      resourceGroup: RG,
      securityRules: (RULES[s.nsg] ?? []).map((r) => armRule(r)),
      defaultSecurityRules: DEFAULT_RULES.map((r) => armRule(r)),
    };
  });
}

function armRule(r: RuleSpec): object {
  const one = (v: string[]) => (v.length === 1 ? v[0] : undefined);
  const many = (v: string[]) => (v.length > 1 ? v : []);
  return {
    name: r.name,
    priority: r.priority,
    direction: r.direction,
    access: r.access,
    protocol: r.protocol,
    sourcePortRange: '*',
    sourceAddressPrefix: one(r.sourceAddressPrefixes),
    sourceAddressPrefixes: many(r.sourceAddressPrefixes),
    destinationAddressPrefix: one(r.destinationAddressPrefixes),
    destinationAddressPrefixes: many(r.destinationAddressPrefixes),
    destinationPortRange: one(r.destinationPortRanges),
    destinationPortRanges: many(r.destinationPortRanges),
  };
}
