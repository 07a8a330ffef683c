import { createHash } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { EnrichConfig } from '../config/sections/enrich.js';
import { normalizeCidr } from './cidr.js';
import { loadPeerings, peeringRows } from './connection-type.js';
import { type NetworkImport, readNetworkImports } from './network-imports.js';
import { datasetStatus, recordDataset, type TrieRow, TrieWriter } from './store.js';
import { enrichSql, NETWORKS } from './tables.js';

/**
 * Flow types after Traffic Analytics (NTANetAnalytics.FlowType), from the address spaces in
 * `enrich.networks`, looked up through the `enrich_network_dict` trie:
 * - MaliciousFlow: the peer is on a threat-intel list (checked first, as in Traffic Analytics);
 * - IntraVNet: both ends in the same VNet; InterVNet: both in VNets, different ones;
 * - S2S: the peer is in an on-premises prefix behind a site-to-site VPN or ExpressRoute gateway;
 * - P2S: the peer is in a point-to-site client pool;
 * - AzurePublic: the peer is public and has a service tag; ExternalPublic: public, no tag;
 * - UnknownPrivate: the peer is private and in none of the above, the local end in a known VNet;
 * - Unknown: neither end maps (local end outside every configured VNet, peer private and unmapped).
 * With no inventory configured, the local end is assumed to be in a VNet (it is in a flow log), so
 * private peers are UnknownPrivate and IntraVNet/InterVNet/S2S/P2S never appear.
 */
export const FLOW_TYPES = [
  'IntraVNet',
  'InterVNet',
  'S2S',
  'P2S',
  'AzurePublic',
  'ExternalPublic',
  'MaliciousFlow',
  'UnknownPrivate',
  'Unknown',
] as const;

const kind = (ip: string) => `dictGetOrDefault('${NETWORKS.dictionary}', 'kind', ${ip}, '')`;
const net = (ip: string) => `dictGetOrDefault('${NETWORKS.dictionary}', 'network', ${ip}, '')`;

/** SQL for the flow type of a `flows` row (uses `local_ip`, `remote_ip`, `remote_is_public`). */
export function flowTypeSql(): string {
  const lk = kind('local_ip');
  const rk = kind('remote_ip');
  return (
    `multiIf(notEmpty(${enrichSql.threatLists()}), 'MaliciousFlow', ` +
    `${rk} = 'vnet' AND ${lk} = 'vnet' AND ${net('remote_ip')} = ${net('local_ip')}, 'IntraVNet', ` +
    `${rk} = 'vnet' AND ${lk} = 'vnet', 'InterVNet', ${rk} IN ('s2s', 'er'), 'S2S', ${rk} = 'p2s', 'P2S', ` +
    `remote_is_public AND ${enrichSql.serviceTag()} != '', 'AzurePublic', remote_is_public, 'ExternalPublic', ` +
    `${lk} IN ('vnet', 'assumed'), 'UnknownPrivate', 'Unknown')`
  );
}

/**
 * Trie rows `[prefix, kind, network]` from the inventories, lowest precedence first: the imports'
 * on-premises and P2S prefixes, then the imports' VNets, then config (a prefix listed by both takes the
 * config's kind and VNet; different prefixes all stay and the longest match decides). A VNet of any
 * import beats another import's on-premises row of the same prefix: a subscription's ExpressRoute
 * gateway learns the other subscriptions' VNets on the circuit. One catch-all row when all are empty.
 */
export function networkRows(
  networks: EnrichConfig['networks'],
  imported: readonly NetworkImport[] = [],
): { rows: TrieRow[]; problems: string[] } {
  const rows = new Map<string, TrieRow>();
  const problems: string[] = [];
  const config = { source: 'enrich.networks', inventory: networks };
  const passes: [readonly NetworkImport[], 'onPremises' | 'vnets' | 'all'][] = [
    [imported, 'onPremises'],
    [imported, 'vnets'],
    [[config], 'all'],
  ];
  for (const [inventories, part] of passes)
    for (const { source, inventory } of inventories) {
      const add = (prefix: string, k: string, name: string) => {
        const n = normalizeCidr(prefix);
        if (!n) problems.push(`${source}: not a prefix: ${prefix}`);
        else rows.set(n.cidr, [n.cidr, k, name]);
      };
      if (part !== 'vnets') {
        for (const p of inventory.siteToSite) add(p, 's2s', 'on-premises');
        for (const p of inventory.expressRoute) add(p, 'er', 'on-premises');
        for (const p of inventory.pointToSite) add(p, 'p2s', 'point-to-site');
      }
      if (part !== 'onPremises')
        for (const v of inventory.vnets) for (const p of v.prefixes) add(p, 'vnet', v.name);
    }
  if (rows.size === 0) rows.set('::/0', ['::/0', 'assumed', '']);
  return { rows: [...rows.values()], problems };
}

/**
 * Loads config plus the imported inventories (`rules sync`) when they changed since the last load
 * (a hash of the rows is the version).
 */
export async function ensureNetworks(
  client: ClickHouseClient,
  networks: EnrichConfig['networks'],
  now: () => Date,
): Promise<{ loaded: boolean; problems: string[] }> {
  const imported = await readNetworkImports(client);
  const { rows, problems } = networkRows(networks, imported.imports);
  problems.unshift(...imported.problems);
  const all = [...imported.imports.map((i) => i.inventory), networks];
  const peerings = peeringRows({
    vnets: all.flatMap((n) => n.vnets),
    peerings: all.flatMap((n) => n.peerings),
  });
  problems.push(...peerings.problems);
  // Peerings join the version only when there are some: inventories without them keep their hash.
  const versioned = peerings.rows.length ? [rows, peerings.rows] : rows;
  const version = createHash('sha256').update(JSON.stringify(versioned)).digest('hex').slice(0, 16);
  const current = (await datasetStatus(client)).find((d) => d.name === NETWORKS.name);
  if (current?.version === version) return { loaded: false, problems };
  const writer = await TrieWriter.open(client, NETWORKS);
  for (const r of rows) writer.push(r);
  await writer.close();
  await loadPeerings(client, peerings.rows);
  const source = ['config', ...imported.imports.map((i) => i.source)].join('+');
  await recordDataset(
    client,
    { name: NETWORKS.name, version, source, dataDate: now(), rows: rows.length },
    now(),
  );
  return { loaded: true, problems };
}
