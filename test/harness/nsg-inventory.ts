import type { InventoryNsg } from '../../analyze/rules/inventory/load.js';
import type { NsgRule } from '../../analyze/rules/model/types.js';

/** An inbound TCP allow rule to RDP with the given sources (override any field). */
export function rdpRule(sourceAddresses: string[], over: Partial<NsgRule> = {}): NsgRule {
  return {
    name: 'AllowRdp',
    kind: 'user',
    priority: 100,
    direction: 'inbound',
    access: 'allow',
    protocol: 'Tcp',
    sourcePorts: ['*'],
    destinationPorts: ['3389'],
    sourceAddresses,
    destinationAddresses: ['*'],
    sourceAsgs: [],
    destinationAsgs: [],
    description: '',
    ...over,
  };
}

/** An NSG (ARM id under subscription `sub`, group `rg`) with these rules, as the inventory loads it. */
export function nsgWith(rules: NsgRule[], name = 'nsg-web'): InventoryNsg {
  return {
    key: name,
    snapshotId: 's1',
    validFrom: '2026-01-01T00:00:00.000Z',
    id: `/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/${name}`,
    name,
    resourceGroup: 'rg',
    subscriptionId: 'sub',
    resourceGuid: '',
    location: 'westeurope',
    rules,
    ruleSince: new Map(),
  };
}
