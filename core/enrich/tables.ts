/**
 * Enrichment tables and their IP_TRIE dictionaries: one prefix → attributes table per dataset,
 * loaded whole (truncate + insert + reload), and the dictionary that answers lookups at query time
 * (docs/enrichment.md says why query time). Dictionaries read their table with no DB clause, i.e.
 * the database they are created in.
 * @see https://clickhouse.com/docs/sql-reference/dictionaries#ip_trie
 */

export interface TrieSpec {
  /** Dataset name as `enrich_datasets` and `flowlens stats` show it. */
  name: string;
  table: string;
  dictionary: string;
  /** Attribute columns after `prefix`, as `name Type`. */
  attributes: string[];
}

export const ASN: TrieSpec = {
  name: 'asn',
  table: 'enrich_asn',
  dictionary: 'enrich_asn_dict',
  attributes: ['asn UInt32', 'as_name String'],
};

export const COUNTRY: TrieSpec = {
  name: 'country',
  table: 'enrich_country',
  dictionary: 'enrich_country_dict',
  attributes: ['country String'],
};

export const SERVICE_TAGS: TrieSpec = {
  name: 'service-tags',
  table: 'enrich_service_tags',
  dictionary: 'enrich_service_tag_dict',
  attributes: ['tag String', 'service String', 'region String'],
};

/** Per prefix, every list that covers it (a trie answers only the longest match; see intel.ts). */
export const INTEL: TrieSpec = {
  name: 'intel',
  table: 'enrich_intel',
  dictionary: 'enrich_intel_dict',
  attributes: ['lists Array(String)', 'confidence UInt8'],
};

/** Address spaces from `enrich.networks` (flow types, core/enrich/flow-type.ts). */
export const NETWORKS: TrieSpec = {
  name: 'networks',
  table: 'enrich_networks',
  dictionary: 'enrich_network_dict',
  attributes: ['kind String', 'network String'],
};

export const TRIES: readonly TrieSpec[] = [ASN, COUNTRY, SERVICE_TAGS, INTEL, NETWORKS];

export function trieTableColumns(spec: TrieSpec): string[] {
  return ['prefix String', ...spec.attributes];
}

export function createDictionarySql(spec: TrieSpec, onCluster = ''): string {
  const cols = trieTableColumns(spec).join(', ');
  return (
    `CREATE DICTIONARY IF NOT EXISTS ${spec.dictionary}${onCluster} (${cols}) PRIMARY KEY prefix ` +
    `SOURCE(CLICKHOUSE(TABLE '${spec.table}')) LAYOUT(IP_TRIE) LIFETIME(0)`
  );
}

/** SQL expressions for the enrichment of an IPv6 column (the `flows` table stores every address as IPv6). */
export const enrichSql = {
  country: (ip = 'remote_ip') => `dictGetOrDefault('${COUNTRY.dictionary}', 'country', ${ip}, '')`,
  asn: (ip = 'remote_ip') => `dictGetOrDefault('${ASN.dictionary}', 'asn', ${ip}, toUInt32(0))`,
  asName: (ip = 'remote_ip') => `dictGetOrDefault('${ASN.dictionary}', 'as_name', ${ip}, '')`,
  serviceTag: (ip = 'remote_ip') => `dictGetOrDefault('${SERVICE_TAGS.dictionary}', 'tag', ${ip}, '')`,
  service: (ip = 'remote_ip') => `dictGetOrDefault('${SERVICE_TAGS.dictionary}', 'service', ${ip}, '')`,
  threatLists: (ip = 'remote_ip') =>
    `dictGetOrDefault('${INTEL.dictionary}', 'lists', ${ip}, CAST([], 'Array(String)'))`,
};
