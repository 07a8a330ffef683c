import { normalizeCidr } from '../../../core/enrich/cidr.js';
import type { Finding } from '../../../core/finding.js';
import { fingerprint } from '../../fingerprint.js';
import { PAAS_SERVICES, type PaasOverPublicConfig } from './config.js';
import type { PaasRow } from './query.js';

export const PAAS_CATEGORY = 'paas-over-public-endpoint';

/**
 * One finding per source subnet and PaaS service reached over its public endpoint, with the volume
 * and the fix: a service endpoint on the subnet (quick, keeps the public endpoint) or a private
 * endpoint (the service gets a private address in the VNet). Severity low: a hardening
 * recommendation (Azure security baseline, "use Private Link / service endpoints"), not an attack.
 */
export function detectPaas(rows: PaasRow[], config: PaasOverPublicConfig): Finding[] {
  const groups = new Map<string, { subnet: string; service: string; rows: PaasRow[] }>();
  for (const row of rows) {
    const subnet = subnetOf(row.localIp, config.subnetPrefixLength);
    const key = `${subnet}|${row.service}`;
    const g = groups.get(key) ?? { subnet, service: row.service, rows: [] };
    g.rows.push(row);
    groups.set(key, g);
  }
  const out: Finding[] = [];
  for (const g of groups.values()) {
    const flows = g.rows.reduce((n, r) => n + r.flows, 0);
    if (flows < config.minFlows) continue;
    out.push(toFinding(g.subnet, g.service, g.rows, flows));
  }
  return out;
}

function toFinding(subnet: string, service: string, rows: PaasRow[], flows: number): Finding {
  const bytes = rows.reduce((n, r) => n + r.bytes, 0);
  const info = PAAS_SERVICES[service] ?? {
    endpoint: `Microsoft.${service}`,
    groupId: '<group-id>',
    label: service,
  };
  const tags = [...new Set(rows.flatMap((r) => r.tags))].sort();
  const hosts = rows.map((r) => r.localIp).sort();
  const fix = {
    serviceEndpoint: `az network vnet subnet update --resource-group <rg> --vnet-name <vnet> --name <subnet-of-${subnet}> --service-endpoints ${info.endpoint}`,
    privateEndpoint:
      `az network private-endpoint create --resource-group <rg> --name pe-${service.toLowerCase()} --vnet-name <vnet> ` +
      `--subnet <subnet-of-${subnet}> --private-connection-resource-id <${info.label} resource id> --group-id ${info.groupId} --connection-name pe-${service.toLowerCase()}`,
  };
  return {
    id: fingerprint(PAAS_CATEGORY, { subnet, service }),
    category: PAAS_CATEGORY,
    severity: 'low',
    title: `${subnet} reaches ${info.label} over its public endpoint`,
    reason:
      `${hosts.length} host(s) in ${subnet} sent ${flows} allowed flow(s), ${bytes} bytes, to ${info.label} public addresses ` +
      `(${tags.join(', ')}). Use a service endpoint or a private endpoint so this traffic stays on private addresses.`,
    firstSeen: rows.map((r) => r.firstSeen).reduce((a, b) => (a < b ? a : b)),
    lastSeen: rows.map((r) => r.lastSeen).reduce((a, b) => (a > b ? a : b)),
    subject: { ip: subnet, nsg: rows[0]?.topNsg ?? '' },
    evidence: {
      flows,
      bytes,
      distinctPeers: new Set(rows.flatMap((r) => r.peers)).size,
      subnet,
      service,
      serviceTags: tags,
      hosts: hosts.slice(0, 20),
      peers: [...new Set(rows.flatMap((r) => r.peers))].slice(0, 20),
      fix,
      sampleFlows: [],
    },
    status: 'open',
  };
}

/** The local address masked to the configured IPv4 length (IPv6: /64). */
export function subnetOf(ip: string, v4Length: number): string {
  const n = normalizeCidr(`${ip}/${ip.includes(':') ? 64 : v4Length}`);
  return n ? n.cidr : ip;
}
