import type { VirtualNetwork } from '@azure/arm-network';
import { describe, expect, it } from 'vitest';
import { inventoryFromArm } from './arm-inventory.js';

const id = (rg: string, name: string) =>
  `/subscriptions/s1/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/${name}`;
const vnet = (rg: string, name: string, prefixes: string[], peers: string[] = []): VirtualNetwork => ({
  id: id(rg, name),
  name,
  addressSpace: { addressPrefixes: prefixes },
  virtualNetworkPeerings: peers.map((remote) => ({
    remoteVirtualNetwork: { id: remote },
    peeringState: 'Connected',
  })),
});
const none = { gateways: [], connections: [], localGateways: [], learnedRoutes: [] };

describe('ARM inventory mapping', () => {
  it('names two VNets that share a name by their ARM ids, so they stay two VNets', () => {
    const { inventory } = inventoryFromArm({
      ...none,
      vnets: [
        vnet('rg-a', 'app', ['10.1.0.0/16'], [id('rg-b', 'app')]),
        vnet('rg-b', 'app', ['10.2.0.0/16'], [id('rg-a', 'app')]),
      ],
    });
    const a = id('rg-a', 'app').toLowerCase();
    const b = id('rg-b', 'app').toLowerCase();
    expect(inventory.vnets).toEqual([
      { name: a, prefixes: ['10.1.0.0/16'] },
      { name: b, prefixes: ['10.2.0.0/16'] },
    ]);
    expect(inventory.peerings).toEqual([
      [a, b],
      [b, a],
    ]);
  });

  it('reports a VNet without address space, and a connection whose local gateway was not read', () => {
    const { inventory, problems } = inventoryFromArm({
      ...none,
      vnets: [vnet('rg', 'empty', []), vnet('rg', 'hub', ['10.0.0.0/16'], [id('rg', 'empty')])],
      connections: [
        {
          name: 'to-dc',
          connectionType: 'IPsec',
          virtualNetworkGateway1: { id: 'gw' },
          localNetworkGateway2: { id: 'missing' },
        },
      ],
    });
    expect(inventory.vnets.map((v) => v.name)).toEqual(['hub']);
    expect(inventory.peerings).toEqual([]);
    expect(inventory.siteToSite).toEqual([]);
    expect(problems).toEqual([
      'virtual network empty: no address space, skipped',
      'connection to-dc: local network gateway not read, skipped',
    ]);
  });
});
