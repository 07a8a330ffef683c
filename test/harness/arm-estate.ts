import type { ArmResource } from './arm-server.js';

/**
 * A small Azure network estate in ARM wire format, for the ARM test double (arm-server.ts):
 * - `hub` 10.0.0.0/16 (rg-net): GatewaySubnet used by `vpngw`, which lives in rg-gw — a resource
 *   group that only the subnet's ipConfiguration reveals (gateways have no subscription-wide list);
 * - `spoke-a` 10.1.0.0/16 (rg-app), peered with hub (Connected, both sides);
 * - `spoke-b` 10.2.0.0/16 (rg-app), peering with hub only Initiated (carries no traffic);
 * - `isolated` 10.3.0.0/16 (rg-app), no peering;
 * - hub is also peered with `partner` 10.5.0.0/16 in another subscription (known only through the
 *   peering's remote address space);
 * - `vpngw`: a VPN gateway with P2S pool 192.168.100.0/24 and an IPsec connection to the local network
 *   gateway `onprem-dc` 172.16.0.0/12 in rg-onprem (read by id);
 * - `ergw`: an ExpressRoute gateway in the same GatewaySubnet that learned 10.200.0.0/16 from on-premises
 *   (EBgp) and hub's own 10.0.0.0/16 (Network), and, over eBGP too, what is not on-premises: a default
 *   route and `128.0.0.0/1` (forced tunnelling) and 10.6.0.0/16, another subscription's VNet on the
 *   circuit (AS path 12076 only);
 * - `lab-site` 10.250.0.0/16: a local network gateway with no connection (not S2S).
 */
export const SUB = '11111111-2222-3333-4444-555555555555';
const OTHER_SUB = '99999999-2222-3333-4444-555555555555';

const net = (sub: string, rg: string, type: string, name: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/${type}/${name}`;

export const IDS = {
  hub: net(SUB, 'rg-net', 'virtualNetworks', 'hub'),
  spokeA: net(SUB, 'rg-app', 'virtualNetworks', 'spoke-a'),
  spokeB: net(SUB, 'rg-app', 'virtualNetworks', 'spoke-b'),
  isolated: net(SUB, 'rg-app', 'virtualNetworks', 'isolated'),
  partner: net(OTHER_SUB, 'rg-partner', 'virtualNetworks', 'partner'),
  vpngw: net(SUB, 'rg-gw', 'virtualNetworkGateways', 'vpngw'),
  ergw: net(SUB, 'rg-gw', 'virtualNetworkGateways', 'ergw'),
  onprem: net(SUB, 'rg-onprem', 'localNetworkGateways', 'onprem-dc'),
  lab: net(SUB, 'rg-gw', 'localNetworkGateways', 'lab-site'),
};

function vnet(
  id: string,
  prefixes: string[],
  peerings: [string, string, string[]][],
  subnets: unknown[] = [],
) {
  return {
    id,
    name: id.split('/').at(-1),
    type: 'Microsoft.Network/virtualNetworks',
    location: 'westeurope',
    properties: {
      addressSpace: { addressPrefixes: prefixes },
      subnets,
      virtualNetworkPeerings: peerings.map(([remote, state, remotePrefixes], i) => ({
        id: `${id}/virtualNetworkPeerings/p${i}`,
        name: `p${i}`,
        properties: {
          peeringState: state,
          remoteVirtualNetwork: { id: remote },
          remoteAddressSpace: { addressPrefixes: remotePrefixes },
        },
      })),
    },
  };
}

export function armEstate(): ArmResource[] {
  const gatewaySubnet = {
    id: `${IDS.hub}/subnets/GatewaySubnet`,
    name: 'GatewaySubnet',
    properties: {
      addressPrefix: '10.0.255.0/27',
      ipConfigurations: [
        { id: `${IDS.vpngw}/ipConfigurations/default` },
        { id: `${IDS.ergw}/ipConfigurations/default` },
      ],
    },
  };
  return [
    vnet(
      IDS.hub,
      ['10.0.0.0/16'],
      [
        [IDS.spokeA, 'Connected', ['10.1.0.0/16']],
        [IDS.spokeB, 'Initiated', ['10.2.0.0/16']],
        [IDS.partner, 'Connected', ['10.5.0.0/16']],
      ],
      [gatewaySubnet],
    ),
    vnet(IDS.spokeA, ['10.1.0.0/16'], [[IDS.hub, 'Connected', ['10.0.0.0/16']]]),
    vnet(IDS.spokeB, ['10.2.0.0/16'], [[IDS.hub, 'Initiated', ['10.0.0.0/16']]]),
    vnet(IDS.isolated, ['10.3.0.0/16'], []),
    {
      id: IDS.vpngw,
      name: 'vpngw',
      type: 'Microsoft.Network/virtualNetworkGateways',
      properties: {
        gatewayType: 'Vpn',
        vpnType: 'RouteBased',
        ipConfigurations: [{ name: 'default', properties: { subnet: { id: gatewaySubnet.id } } }],
        vpnClientConfiguration: { vpnClientAddressPool: { addressPrefixes: ['192.168.100.0/24'] } },
      },
    },
    {
      id: IDS.ergw,
      name: 'ergw',
      type: 'Microsoft.Network/virtualNetworkGateways',
      properties: {
        gatewayType: 'ExpressRoute',
        ipConfigurations: [{ name: 'default', properties: { subnet: { id: gatewaySubnet.id } } }],
      },
      learnedRoutes: [
        { network: '10.200.0.0/16', origin: 'EBgp', sourcePeer: '10.0.255.4', asPath: '12076-65020' },
        { network: '10.0.0.0/16', origin: 'Network', sourcePeer: '10.0.255.4' },
        { network: '0.0.0.0/0', origin: 'EBgp', sourcePeer: '10.0.255.4', asPath: '12076-65020' },
        { network: '128.0.0.0/1', origin: 'EBgp', sourcePeer: '10.0.255.4', asPath: '12076-65020' },
        { network: '10.6.0.0/16', origin: 'EBgp', sourcePeer: '10.0.255.4', asPath: '12076' },
      ],
    },
    {
      id: net(SUB, 'rg-gw', 'connections', 'to-dc'),
      name: 'to-dc',
      type: 'Microsoft.Network/connections',
      properties: {
        connectionType: 'IPsec',
        virtualNetworkGateway1: { id: IDS.vpngw },
        localNetworkGateway2: { id: IDS.onprem },
      },
    },
    localGateway(IDS.onprem, ['172.16.0.0/12']),
    localGateway(IDS.lab, ['10.250.0.0/16']),
  ];
}

function localGateway(id: string, prefixes: string[]): ArmResource {
  return {
    id,
    name: id.split('/').at(-1),
    type: 'Microsoft.Network/localNetworkGateways',
    properties: { gatewayIpAddress: '203.0.113.1', localNetworkAddressSpace: { addressPrefixes: prefixes } },
  };
}
