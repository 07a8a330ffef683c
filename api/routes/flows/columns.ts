import { connectionTypeSql } from '../../../core/enrich/connection-type.js';
import { flowTypeSql } from '../../../core/enrich/flow-type.js';
import { enrichSql } from '../../../core/enrich/tables.js';
import { ipTextSql } from '../../query/source.js';

/** Columns flow search and export return: `[name, select expression]`, in output order. */
export const FLOW_COLUMNS: readonly [string, string][] = [
  ['time', 'time'],
  ['src_ip', ipTextSql('src_ip')],
  ['src_port', 'src_port'],
  ['dst_ip', ipTextSql('dst_ip')],
  ['dst_port', 'dst_port'],
  ['protocol', 'protocol'],
  ['direction', 'toString(direction)'],
  ['action', 'toString(action)'],
  ['state', 'toString(state)'],
  ['bytes_sent', 'bytes_sent'],
  ['bytes_received', 'bytes_received'],
  ['packets_sent', 'packets_sent'],
  ['packets_received', 'packets_received'],
  ['nsg', 'nsg'],
  ['rule', 'rule'],
  ['rule_name', 'rule_name'],
  ['remote_is_public', 'remote_is_public'],
  ['mac', 'mac'],
  ['format', 'format'],
  ['subscription_id', 'subscription_id'],
  ['resource_group', 'resource_group'],
  ['flow_log', 'flow_log'],
  ['source', 'source'],
  ['record_offset', 'record_offset'],
  ['tuple_index', 'tuple_index'],
  // Who is on the other end, looked up at query time (docs/enrichment.md).
  ['remote_country', enrichSql.country()],
  ['remote_asn', enrichSql.asn()],
  ['remote_as_name', enrichSql.asName()],
  ['service_tag', enrichSql.serviceTag()],
  ['threat_lists', enrichSql.threatLists()],
  ['flow_type', flowTypeSql()],
  ['connection_type', connectionTypeSql()],
];

/** `expr AS name, …` with output aliases prefixed, so they never shadow table columns in WHERE. */
export function selectList(): string {
  return FLOW_COLUMNS.map(([name, expr]) => `${expr} AS o_${name}`).join(', ');
}

export function unprefix(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name] of FLOW_COLUMNS) out[name] = row[`o_${name}`];
  return out;
}
