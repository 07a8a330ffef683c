import { CONNECTION_TYPES, connectionTypeSql } from '../../core/enrich/connection-type.js';
import { FLOW_TYPES, flowTypeSql } from '../../core/enrich/flow-type.js';
import { enrichSql } from '../../core/enrich/tables.js';

/**
 * The fields a filter expression may name, with their types and the SQL column they read.
 * Anything not listed here is rejected by the parser: the whitelist is the first line of defence
 * against injection, parameters (compile.ts) are the second.
 */
export type FieldType = 'string' | 'enum' | 'ip' | 'port' | 'uint' | 'protocol' | 'bool';

export interface FieldSpec {
  name: string;
  type: FieldType;
  /** Column expression on the raw `flows` table. */
  column: string;
  /** True when `flows_1m` / `flows_1h` carry the column, so filters on it can read rollups. */
  rollup: boolean;
  /** True when `flows_remote_1h` carries the column or looks it up from the peer address it carries. */
  remoteRollup?: boolean;
  /** Allowed values for `enum` fields. */
  values?: readonly string[];
  /** The column is an Array(String): `=` means "contains", `IN` "contains any" (compile.ts). */
  array?: boolean;
  /** True when the completion endpoint may list its most frequent values. */
  suggest: boolean;
  description: string;
}

const f = (
  name: string,
  type: FieldType,
  rollup: boolean,
  description: string,
  extra: Partial<FieldSpec> = {},
): FieldSpec => ({
  name,
  type,
  column: name,
  rollup,
  suggest: type !== 'uint',
  description,
  ...extra,
});

export const FIELDS: readonly FieldSpec[] = [
  f('nsg', 'string', true, 'NSG name (or flow-log ACL id for VNet logs)'),
  f('rule', 'string', false, 'Rule as logged, e.g. UserRule_AllowRdp'),
  f('rule_name', 'string', true, 'Rule name without the UserRule_/DefaultRule_ prefix'),
  f('rule_kind', 'string', true, 'user, default, platform or avnm'),
  f('format', 'string', true, 'nsg-v1, nsg-v2 or vnet'),
  f('subscription_id', 'string', false, 'Azure subscription id'),
  f('resource_group', 'string', false, 'Resource group'),
  f('target_resource', 'string', false, 'Target resource of a VNet flow log'),
  f('flow_log', 'string', false, 'Flow log name'),
  f('mac', 'string', false, 'NIC MAC address'),
  f('encryption', 'string', false, 'VNet flow encryption state'),
  f('source', 'string', false, 'Ingest source (blob, file, …) the row came from'),
  f('src_ip', 'ip', false, 'Source address (IPv4 or IPv6)'),
  f('dst_ip', 'ip', false, 'Destination address'),
  f('local_ip', 'ip', true, 'The Azure-side address (destination for inbound, source for outbound)'),
  f('remote_ip', 'ip', false, 'The peer address (source for inbound, destination for outbound)', {
    remoteRollup: true,
  }),
  f('src_port', 'port', false, 'Source port'),
  f('dst_port', 'port', true, 'Destination port', { remoteRollup: true }),
  f('protocol', 'protocol', true, 'IP protocol: number or tcp/udp/icmp', { remoteRollup: true }),
  f('direction', 'enum', true, 'inbound or outbound', {
    values: ['inbound', 'outbound'],
    remoteRollup: true,
  }),
  f('action', 'enum', true, 'allow or deny', { values: ['allow', 'deny'], remoteRollup: true }),
  f('state', 'enum', false, 'Flow state', { values: ['none', 'begin', 'continue', 'end', 'deny'] }),
  f('remote_is_public', 'bool', true, 'True when the peer is an internet address', { remoteRollup: true }),
  f('bytes_sent', 'uint', false, 'Bytes source → destination'),
  f('bytes_received', 'uint', false, 'Bytes destination → source'),
  f('packets_sent', 'uint', false, 'Packets source → destination'),
  f('packets_received', 'uint', false, 'Packets destination → source'),
  // Enrichment, looked up at query time from the IP-trie dictionaries (docs/enrichment.md).
  f('remote_country', 'string', false, 'Country of the peer address (ISO 3166-1 alpha-2)', {
    column: enrichSql.country(),
    remoteRollup: true,
  }),
  f('remote_asn', 'uint', false, 'Autonomous system number of the peer address', {
    column: enrichSql.asn(),
    remoteRollup: true,
  }),
  f('remote_as_name', 'string', false, 'Autonomous system name of the peer address', {
    column: enrichSql.asName(),
    remoteRollup: true,
  }),
  f('service_tag', 'string', false, 'Most specific Azure service tag of the peer, e.g. Storage.WestEurope', {
    column: enrichSql.serviceTag(),
    remoteRollup: true,
  }),
  f('flow_type', 'string', false, `Traffic Analytics flow type: ${FLOW_TYPES.join(', ')}`, {
    column: flowTypeSql(),
  }),
  f(
    'connection_type',
    'string',
    false,
    `Traffic Analytics connection type: ${CONNECTION_TYPES.join(', ')}; empty for other flows`,
    { column: connectionTypeSql() },
  ),
  f('threat_list', 'string', false, 'Threat-intel lists the peer address is on', {
    column: enrichSql.threatLists(),
    remoteRollup: true,
    array: true,
  }),
];

const BY_NAME = new Map(FIELDS.map((x) => [x.name, x]));

export function fieldSpec(name: string): FieldSpec | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Operators per type, as the completion endpoint lists them. */
export function operatorsFor(type: FieldType): string[] {
  switch (type) {
    case 'ip':
      return ['=', '!=', 'IN', 'NOT IN', '<<', '!<<'];
    case 'port':
    case 'uint':
    case 'protocol':
      return ['=', '!=', 'IN', 'NOT IN', '<', '<=', '>', '>='];
    case 'bool':
      return ['=', '!='];
    default:
      return ['=', '!=', 'IN', 'NOT IN', 'LIKE', 'NOT LIKE'];
  }
}

export const PROTOCOL_NAMES: Readonly<Record<string, number>> = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58 };
