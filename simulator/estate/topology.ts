/**
 * The noisy estate: a hub-and-spoke Azure deployment of 32 hosts, used to measure detections on
 * the traffic every real estate carries (issue 12). Kept apart from simulator/topology.ts (the
 * small 3-tier scenario that the blob/live paths render as Azure records).
 *
 *   hub   10.0.0.0/16  identity 10.0.1.0/24 (dc-1, dc-2), mgmt 10.0.2.0/24 (jump-1, jump-2),
 *                      shared 10.0.3.0/24 (files-1, build-1, monitor-1)
 *   prod  10.1.0.0/16  web 10.1.1.0/24 (web-1..6), app 10.1.2.0/24 (app-1..6),
 *                      data 10.1.3.0/24 (sql-1..3), aks 10.1.4.0/24 (aks-1..6; pods 10.244.0.0/16)
 *   dev   10.2.0.0/16  dev 10.2.1.0/24 (dev-1..4)
 */
export type Role = 'dc' | 'jump' | 'files' | 'build' | 'monitor' | 'web' | 'app' | 'sql' | 'aks' | 'dev';

export interface EstateHost {
  name: string;
  ip: string;
  role: Role;
  subnet: string;
  nsg: string;
  mac: string;
}

export interface EstateSubnet {
  name: string;
  vnet: string;
  prefix: string;
  nsg: string;
}

export const ESTATE_SUBNETS: readonly EstateSubnet[] = [
  { name: 'identity', vnet: 'hub-vnet', prefix: '10.0.1.0/24', nsg: 'identity-nsg' },
  { name: 'mgmt', vnet: 'hub-vnet', prefix: '10.0.2.0/24', nsg: 'mgmt-nsg' },
  { name: 'shared', vnet: 'hub-vnet', prefix: '10.0.3.0/24', nsg: 'shared-nsg' },
  { name: 'web', vnet: 'prod-vnet', prefix: '10.1.1.0/24', nsg: 'web-nsg' },
  { name: 'app', vnet: 'prod-vnet', prefix: '10.1.2.0/24', nsg: 'app-nsg' },
  { name: 'data', vnet: 'prod-vnet', prefix: '10.1.3.0/24', nsg: 'data-nsg' },
  { name: 'aks', vnet: 'prod-vnet', prefix: '10.1.4.0/24', nsg: 'aks-nsg' },
  { name: 'dev', vnet: 'dev-vnet', prefix: '10.2.1.0/24', nsg: 'dev-nsg' },
];

export const AKS_POD_CIDR = '10.244.0.0/16';

const host = (name: string, role: Role, subnet: string, ip: string, n: number): EstateHost => ({
  name,
  ip,
  role,
  subnet,
  nsg: ESTATE_SUBNETS.find((s) => s.name === subnet)!.nsg,
  mac: `000D3A${(0x100 + n).toString(16).toUpperCase().padStart(6, '0')}`,
});

const series = (prefix: string, role: Role, subnet: string, net: string, count: number, first = 4) =>
  Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-${i + 1}`,
    role,
    subnet,
    ip: `${net}.${first + i}`,
  }));

export const ESTATE_HOSTS: readonly EstateHost[] = [
  ...series('dc', 'dc', 'identity', '10.0.1', 2),
  ...series('jump', 'jump', 'mgmt', '10.0.2', 2),
  { name: 'files-1', role: 'files' as Role, subnet: 'shared', ip: '10.0.3.4' },
  { name: 'build-1', role: 'build' as Role, subnet: 'shared', ip: '10.0.3.10' },
  { name: 'monitor-1', role: 'monitor' as Role, subnet: 'shared', ip: '10.0.3.20' },
  ...series('web', 'web', 'web', '10.1.1', 6),
  ...series('app', 'app', 'app', '10.1.2', 6),
  ...series('sql', 'sql', 'data', '10.1.3', 3),
  ...series('aks', 'aks', 'aks', '10.1.4', 6),
  ...series('dev', 'dev', 'dev', '10.2.1', 4),
].map((h, i) => host(h.name, h.role, h.subnet, h.ip, i));

const byName = new Map(ESTATE_HOSTS.map((h) => [h.name, h]));
const byIp = new Map(ESTATE_HOSTS.map((h) => [h.ip, h]));

export function estateHost(name: string): EstateHost {
  const h = byName.get(name);
  if (!h) throw new Error(`no estate host ${name}`);
  return h;
}

export function estateHostByIp(ip: string): EstateHost | undefined {
  return byIp.get(ip);
}

export const hostsOf = (role: Role): EstateHost[] => ESTATE_HOSTS.filter((h) => h.role === role);

/** Public endpoints the benign traffic talks to (documentation-style but realistic owners). */
export const EXTERNAL = {
  /** Azure Monitor / Log Analytics ingestion (AzureMonitor service tag). */
  monitor: ['20.50.65.82', '20.50.65.83'],
  /** Backup storage account (Storage service tag, public endpoint). */
  backupStorage: '20.60.40.4',
  /** Container registry data endpoint (blob storage behind ACR). */
  registryStorage: '20.60.152.36',
  /** Azure DevOps (long-poll by the build agent). */
  devops: '13.107.42.20',
  /** Windows Update / Ubuntu mirrors. */
  updates: ['13.107.4.50', '91.189.91.83', '185.125.190.39'],
  /** A partner's SFTP endpoint (nightly batch). */
  partner: '198.51.100.20',
  /** A SaaS API polled by cron every 300 s. */
  saasApi: '52.84.150.11',
  /** Public NTP and DNS the DCs forward to. */
  ntp: '162.159.200.1',
  dns: '1.1.1.1',
  /** Corporate admin egress addresses (one /24) allowed to RDP to the jump hosts. */
  corpAdmins: ['203.0.113.10', '203.0.113.11'],
} as const;
