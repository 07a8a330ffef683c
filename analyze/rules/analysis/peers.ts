import type { Db } from '../../../core/clickhouse/client.js';
import { lookupAddress } from '../../../core/enrich/lookup.js';
import { isPublicIpText } from '../../../core/net/ip.js';
import type { PeerInfo, RuleReport } from './types.js';

/** Internet addresses the report lists (evidence flows), each once. */
export function listedPublicIps(report: RuleReport): string[] {
  const ips = new Set<string>();
  for (const r of report.recommendations)
    for (const f of r.evidence.sampleFlows)
      for (const ip of [f.srcIp, f.dstIp]) if (isPublicIpText(ip)) ips.add(ip);
  return [...ips].sort();
}

/**
 * Who the listed internet addresses are (country, AS, service tag, threat lists), through the
 * enrichment dictionaries the queries use (docs/enrichment.md); addresses the data does not know are left out.
 */
export async function lookupPeers(db: Db, ips: string[]): Promise<Record<string, PeerInfo>> {
  if (!ips.length) return {};
  const found = await lookupAddress(db.client, ips);
  const out: Record<string, PeerInfo> = {};
  for (const e of found)
    if (e.country || e.asn || e.serviceTag || e.threatLists.length)
      out[e.ip] = {
        country: e.country,
        asn: Number(e.asn),
        asName: e.asName,
        serviceTag: e.serviceTag,
        threatLists: e.threatLists,
      };
  return out;
}
