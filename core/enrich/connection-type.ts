import type { ClickHouseClient } from '@clickhouse/client';
import type { EnrichConfig } from '../config/sections/enrich.js';
import { NETWORKS } from './tables.js';

/**
 * Connection types after Traffic Analytics (NTANetAnalytics.ConnectionType), from `enrich.networks`:
 * - ExpressRoute: the peer is in an `expressRoute` prefix;
 * - VpnGateway: the peer is in a `siteToSite` prefix or a `pointToSite` pool;
 * - VNetPeering: local end and peer are in two configured VNets named as a pair in `peerings`;
 * - '' (empty) for everything else: same VNet, unpeered VNets, public and unmapped peers, and every
 *   flow when no inventory is configured.
 * Peerings are a relation between VNets, which a prefix trie cannot answer, so they sit in the
 * small `enrich_peerings` table (both orders of each pair), matched with an IN subquery.
 */
export const CONNECTION_TYPES = ['VNetPeering', 'VpnGateway', 'ExpressRoute'] as const;

export const PEERINGS_TABLE = 'enrich_peerings';

const kind = (ip: string) => `dictGetOrDefault('${NETWORKS.dictionary}', 'kind', ${ip}, '')`;
const net = (ip: string) => `dictGetOrDefault('${NETWORKS.dictionary}', 'network', ${ip}, '')`;

/** SQL for the connection type of a `flows` row (uses `local_ip`, `remote_ip`). */
export function connectionTypeSql(): string {
  const rk = kind('remote_ip');
  return (
    `multiIf(${rk} = 'er', 'ExpressRoute', ${rk} IN ('s2s', 'p2s'), 'VpnGateway', ` +
    `${rk} = 'vnet' AND ${kind('local_ip')} = 'vnet' AND ` +
    `(${net('local_ip')}, ${net('remote_ip')}) IN (SELECT a, b FROM ${PEERINGS_TABLE}), 'VNetPeering', '')`
  );
}

/** Both orders of each pair; a name that is no known VNet (configured or imported) is a problem, not a row. */
export function peeringRows(networks: Pick<EnrichConfig['networks'], 'vnets' | 'peerings'>): {
  rows: { a: string; b: string }[];
  problems: string[];
} {
  const names = new Set(networks.vnets.map((v) => v.name));
  const rows = new Map<string, { a: string; b: string }>();
  const problems: string[] = [];
  for (const [a, b] of networks.peerings) {
    const unknown = [a, b].filter((n) => !names.has(n));
    if (unknown.length)
      problems.push(`enrich.networks.peerings: not a configured VNet: ${unknown.join(', ')}`);
    else if (a !== b)
      for (const r of [
        { a, b },
        { a: b, b: a },
      ])
        rows.set(`${r.a}\u0000${r.b}`, r);
  }
  return { rows: [...rows.values()], problems };
}

/** Replaces the peerings (part of the network inventory load, core/enrich/flow-type.ts). */
export async function loadPeerings(
  client: ClickHouseClient,
  rows: { a: string; b: string }[],
): Promise<void> {
  await client.command({ query: `TRUNCATE TABLE IF EXISTS ${PEERINGS_TABLE}` });
  if (rows.length) await client.insert({ table: PEERINGS_TABLE, values: rows, format: 'JSONEachRow' });
}
