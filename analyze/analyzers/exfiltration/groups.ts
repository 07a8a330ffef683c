import { z } from 'zod';
import { enrichSql } from '../../../core/enrich/tables.js';
import { ipText } from '../../sql.js';

/**
 * How public destinations are grouped before exfiltration judges them (issue 13 §6). A Storage
 * account's uploads land on many front-end addresses (40 IPs of one account and region on one
 * night is normal), so judged per address every night's backup would bring "new destinations".
 * Grouped by the most specific service tag (`Storage.WestEurope`), they are one usual destination
 * whose volume is weighed against the host's own baseline to it. Non-Azure destinations group by
 * AS number (a partner's or SaaS provider's address pool), except in `ungroupedAsns`: clouds and
 * hosters where anyone can rent an address next to a service we use, so an upload to a new address
 * there stays a new destination. Without enrichment data every destination is its own address.
 */
export const DestinationGroupsSchema = z
  .object({
    /** Group by the most specific service tag. */
    serviceTags: z.boolean().default(true),
    /**
     * Service-tag base names never grouped. `AzureCloud` covers tenants' own VMs (an attacker's
     * VM is in it), so its addresses are judged one by one.
     */
    ungroupedTags: z.array(z.string()).default(['AzureCloud']),
    /** Group non-Azure destinations by AS number. */
    asn: z.boolean().default(true),
    /**
     * AS numbers judged per address: rentable cloud and hosting networks (AWS 16509/14618, Google
     * 15169/396982, DigitalOcean 14061, OVH 16276, Hetzner 24940, Linode 63949, Vultr 20473,
     * Microsoft 8075 outside a service tag).
     */
    ungroupedAsns: z
      .array(z.number().int().min(0))
      .default([16509, 14618, 15169, 396982, 14061, 16276, 24940, 63949, 20473, 8075]),
  })
  .strict();
export type DestinationGroups = z.infer<typeof DestinationGroupsSchema>;

export type GroupKind = 'service-tag' | 'asn' | 'address';

/**
 * SQL for the destination key of `remote_ip`: `tag:<tag>`, `asn:<n>` or `ip:<address>`, with the
 * parameters it uses. The key's prefix is the group kind (see {@link parseGroupKey}).
 */
export function destinationKeySql(groups: DestinationGroups): {
  sql: string;
  params: Record<string, unknown>;
} {
  const tag = enrichSql.serviceTag('remote_ip');
  const asn = enrichSql.asn('remote_ip');
  const byTag = groups.serviceTags
    ? `${tag} != '' AND splitByChar('.', ${tag})[1] NOT IN {ungroupedTags:Array(String)}`
    : '0';
  const byAsn = groups.asn ? `${asn} != 0 AND ${asn} NOT IN {ungroupedAsns:Array(UInt32)}` : '0';
  return {
    sql:
      `multiIf(${byTag}, concat('tag:', ${tag}), ${byAsn}, concat('asn:', toString(${asn})), ` +
      `concat('ip:', ${ipText('remote_ip')}))`,
    params: { ungroupedTags: groups.ungroupedTags, ungroupedAsns: groups.ungroupedAsns },
  };
}

const KINDS: Record<string, GroupKind> = { tag: 'service-tag', asn: 'asn', ip: 'address' };

/** `tag:Storage.WestEurope` → { kind: 'service-tag', name: 'Storage.WestEurope' }. */
export function parseGroupKey(key: string): { kind: GroupKind; name: string } {
  const i = key.indexOf(':');
  return { kind: KINDS[key.slice(0, i)] ?? 'address', name: key.slice(i + 1) };
}
