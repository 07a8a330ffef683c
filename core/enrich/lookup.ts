import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { chNumber, query } from '../clickhouse/query.js';
import { enrichSql } from './tables.js';

export interface Enrichment {
  ip: string;
  country: string;
  asn: number;
  asName: string;
  serviceTag: string;
  threatLists: string[];
}

const EnrichmentRow = z.object({
  ip: z.string(),
  country: z.string(),
  asn: chNumber,
  asName: z.string(),
  serviceTag: z.string(),
  threatLists: z.array(z.string()),
});

/** Enrichment of literal addresses through the same dictionaries the queries use. */
export async function lookupAddress(client: ClickHouseClient, ips: string[]): Promise<Enrichment[]> {
  const ip = 'toIPv6(ip)';
  return query(client, {
    sql:
      `SELECT ip, ${enrichSql.country(ip)} AS country, ${enrichSql.asn(ip)} AS asn, ${enrichSql.asName(ip)} AS asName, ` +
      `${enrichSql.serviceTag(ip)} AS serviceTag, ${enrichSql.threatLists(ip)} AS threatLists ` +
      'FROM (SELECT arrayJoin({ips:Array(String)}) AS ip) WHERE isIPv4String(ip) OR isIPv6String(ip)',
    params: { ips },
    row: EnrichmentRow,
  });
}
