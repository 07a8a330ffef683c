import type { ClickHouseClient } from '@clickhouse/client';
import { enrichSql } from './tables.js';

export interface Enrichment {
  ip: string;
  country: string;
  asn: number;
  asName: string;
  serviceTag: string;
  threatLists: string[];
}

/** Enrichment of literal addresses through the same dictionaries the queries use. */
export async function lookupAddress(client: ClickHouseClient, ips: string[]): Promise<Enrichment[]> {
  const ip = 'toIPv6(ip)';
  const rs = await client.query({
    query:
      `SELECT ip, ${enrichSql.country(ip)} AS country, ${enrichSql.asn(ip)} AS asn, ${enrichSql.asName(ip)} AS asName, ` +
      `${enrichSql.serviceTag(ip)} AS serviceTag, ${enrichSql.threatLists(ip)} AS threatLists ` +
      'FROM (SELECT arrayJoin({ips:Array(String)}) AS ip) WHERE isIPv4String(ip) OR isIPv6String(ip)',
    query_params: { ips },
    format: 'JSONEachRow',
  });
  return rs.json<Enrichment>();
}
