/**
 * The simulated Azure estate: a classic 3-tier application plus a management subnet.
 *
 *   VNet prod-vnet 10.10.0.0/16
 *   ├─ web  10.10.1.0/24  web-1..3     NSG web-nsg   NSG flow logs v2
 *   ├─ app  10.10.2.0/24  app-1..2     NSG app-nsg   NSG flow logs v2
 *   ├─ db   10.10.3.0/24  db-1         NSG db-nsg    VNet flow logs (only)
 *   ├─ mgmt 10.10.4.0/24  jump-1       NSG mgmt-nsg  VNet flow logs (only)
 *   └─ pe   10.10.9.0/24  backup storage private endpoint (no NIC of ours)
 *
 * Two NSGs are covered by NSG flow logs and two by VNet flow logs, as in an estate mid-migration
 * (NSG flow logs retire 2027-09-30), so every analysis is exercised on both formats.
 */
export const SUBSCRIPTION_ID = '7d3a1f0e-5b2c-4c1e-9f7a-2b8e6c4d0a11';
export const RESOURCE_GROUP = 'prod-rg';
export const REGION = 'westeurope';
export const VNET_NAME = 'prod-vnet';
export const FLOW_LOG_NAME = 'prod-vnet-flowlog';

export type LogFormat = 'nsg-v2' | 'vnet';

export interface Host {
  name: string;
  ip: string;
  mac: string;
  nsg: string;
  subnet: string;
}

export interface NsgSpec {
  name: string;
  subnet: string;
  subnetPrefix: string;
  format: LogFormat;
  resourceGuid: string;
  rules: RuleSpec[];
}

/** A user security rule in the simulated NSGs (the ARM shape is rendered in nsg-definitions.ts). */
export interface RuleSpec {
  name: string;
  priority: number;
  direction: 'Inbound' | 'Outbound';
  access: 'Allow' | 'Deny';
  protocol: 'Tcp' | 'Udp' | '*';
  sourceAddressPrefixes: string[];
  destinationAddressPrefixes: string[];
  destinationPortRanges: string[];
  description: string;
}

const rule = (
  r: Omit<RuleSpec, 'destinationAddressPrefixes'> & { destinationAddressPrefixes?: string[] },
): RuleSpec => ({
  destinationAddressPrefixes: ['*'],
  ...r,
});

/** The company's VPN egress /24 (an ISP business range: it has an AS and a country like any real one). */
export const CORP_EGRESS_NET = '80.10.43';

export const NSGS: readonly NsgSpec[] = [
  {
    name: 'web-nsg',
    subnet: 'web',
    subnetPrefix: '10.10.1.0/24',
    format: 'nsg-v2',
    resourceGuid: '3f1c2a90-1d6e-4b8a-9c2f-5e7d8a1b0c01',
    rules: [
      rule({
        name: 'AllowHttpsInbound',
        priority: 100,
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Tcp',
        sourceAddressPrefixes: ['Internet'],
        destinationPortRanges: ['443'],
        description: 'Public web front end',
      }),
      rule({
        name: 'AllowHttpInbound',
        priority: 110,
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Tcp',
        sourceAddressPrefixes: ['*'],
        destinationPortRanges: ['80'],
        description: 'HTTP redirect to HTTPS',
      }),
      rule({
        name: 'AllowRdpFromInternet',
        priority: 120,
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Tcp',
        sourceAddressPrefixes: ['*'],
        destinationPortRanges: ['3389'],
        description: 'Temporary vendor access (ticket CHG-1042)',
      }),
      rule({
        name: 'AllowLegacyFtp',
        priority: 130,
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Tcp',
        sourceAddressPrefixes: ['*'],
        destinationPortRanges: ['20-21'],
        description: 'Legacy partner upload',
      }),
    ],
  },
  {
    name: 'app-nsg',
    subnet: 'app',
    subnetPrefix: '10.10.2.0/24',
    format: 'nsg-v2',
    resourceGuid: '8a4e6b12-7c3d-4f5e-a1b2-c3d4e5f60702',
    rules: [
      rule({
        name: 'AllowWebToApp',
        priority: 100,
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Tcp',
        sourceAddressPrefixes: ['10.10.1.0/24'],
        destinationPortRanges: ['8000-8999'],
        description: 'Web tier to app tier',
      }),
    ],
  },
  {
    name: 'db-nsg',
    subnet: 'db',
    subnetPrefix: '10.10.3.0/24',
    format: 'vnet',
    resourceGuid: 'c5d6e7f8-9a0b-4c1d-8e2f-3a4b5c6d0e03',
    rules: [
      rule({
        name: 'AllowAppToSql',
        priority: 100,
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Tcp',
        sourceAddressPrefixes: ['10.10.2.0/24'],
        destinationPortRanges: ['1433'],
        description: 'App tier to SQL',
      }),
      rule({
        name: 'AllowAdminAll',
        priority: 110,
        direction: 'Inbound',
        access: 'Allow',
        protocol: '*',
        sourceAddressPrefixes: ['VirtualNetwork'],
        destinationPortRanges: ['*'],
        description: 'DBA access',
      }),
    ],
  },
  {
    name: 'mgmt-nsg',
    subnet: 'mgmt',
    subnetPrefix: '10.10.4.0/24',
    format: 'vnet',
    resourceGuid: 'e9f0a1b2-c3d4-4e5f-9a6b-7c8d9e0f0a04',
    rules: [
      rule({
        name: 'AllowSshFromCorp',
        priority: 100,
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Tcp',
        sourceAddressPrefixes: [`${CORP_EGRESS_NET}.0/24`],
        destinationPortRanges: ['22'],
        description: 'Corporate VPN egress range',
      }),
    ],
  },
];

export const HOSTS: readonly Host[] = [
  { name: 'web-1', ip: '10.10.1.4', mac: '000D3A1B2C01', nsg: 'web-nsg', subnet: 'web' },
  { name: 'web-2', ip: '10.10.1.5', mac: '000D3A1B2C02', nsg: 'web-nsg', subnet: 'web' },
  { name: 'web-3', ip: '10.10.1.6', mac: '000D3A1B2C03', nsg: 'web-nsg', subnet: 'web' },
  { name: 'app-1', ip: '10.10.2.4', mac: '000D3A1B2D01', nsg: 'app-nsg', subnet: 'app' },
  { name: 'app-2', ip: '10.10.2.5', mac: '000D3A1B2D02', nsg: 'app-nsg', subnet: 'app' },
  { name: 'db-1', ip: '10.10.3.4', mac: '000D3A1B2E01', nsg: 'db-nsg', subnet: 'db' },
  { name: 'jump-1', ip: '10.10.4.4', mac: '000D3A1B2F01', nsg: 'mgmt-nsg', subnet: 'mgmt' },
];

/** The backup storage account's private endpoint: large transfers to it are not internet egress. */
export const BACKUP_PRIVATE_ENDPOINT = '10.10.9.4';
/** Azure's platform address for DNS, DHCP and health probes. */
export const AZURE_PLATFORM_IP = '168.63.129.16';

export function host(name: string): Host {
  const h = HOSTS.find((x) => x.name === name);
  if (!h) throw new Error(`unknown host ${name}`);
  return h;
}

export function hostByIp(ip: string): Host | undefined {
  return HOSTS.find((h) => h.ip === ip);
}

export function nsgSpec(name: string): NsgSpec {
  const n = NSGS.find((x) => x.name === name);
  if (!n) throw new Error(`unknown NSG ${name}`);
  return n;
}

export function nsgArmId(nsg: string): string {
  return `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.Network/networkSecurityGroups/${nsg}`;
}

export function flowLogArmId(): string {
  return `/SUBSCRIPTIONS/${SUBSCRIPTION_ID.toUpperCase()}/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_${REGION.toUpperCase()}/FLOWLOGS/${FLOW_LOG_NAME.toUpperCase()}`;
}

export function subnetArmId(subnet: string): string {
  return `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.Network/virtualNetworks/${VNET_NAME}/subnets/${subnet}`;
}
