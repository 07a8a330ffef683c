import { connectionTypeSql } from '../../../core/enrich/connection-type.js';
import { flowTypeSql } from '../../../core/enrich/flow-type.js';
import { enrichSql } from '../../../core/enrich/tables.js';
import { ipTextSql } from '../../query/source.js';

/** A top-N grouping: the raw columns it reads and how each key part is selected. */
export interface Dimension {
  columns: string[];
  /** `[alias, select expression]` per key part; aliases become the keys of `key` in responses. */
  select: [string, string][];
  /** GROUP BY keys when they are not the raw columns: the `k_<alias>` of looked-up values (enrichment at query time). */
  groupBy?: string[];
}

/** A key derived from the peer address through an enrichment dictionary; groups on the looked-up value. */
const enriched = (alias: string, expr: string): Dimension => ({
  columns: ['remote_ip'],
  select: [[alias, expr]],
  groupBy: [`k_${alias}`],
});

const ip = (column: string): [string, string] => [column, ipTextSql(column)];

export const DIMENSIONS = {
  local_ip: { columns: ['local_ip'], select: [ip('local_ip')] },
  // Peers come with who they are (looked up per result row after grouping; docs/enrichment.md).
  remote_ip: {
    columns: ['remote_ip'],
    select: [
      ip('remote_ip'),
      ['remote_country', enrichSql.country()],
      ['remote_asn', enrichSql.asn()],
      ['remote_as_name', enrichSql.asName()],
      ['service_tag', enrichSql.serviceTag()],
      // Keys are scalars: the lists a peer is on, comma-separated ('' when on none).
      ['threat_lists', `arrayStringConcat(${enrichSql.threatLists()}, ', ')`],
    ],
  },
  src_ip: { columns: ['src_ip'], select: [ip('src_ip')] },
  dst_ip: { columns: ['dst_ip'], select: [ip('dst_ip')] },
  dst_port: {
    columns: ['protocol', 'dst_port'],
    select: [
      ['protocol', 'protocol'],
      ['dst_port', 'dst_port'],
    ],
  },
  rule: {
    columns: ['nsg', 'rule_name'],
    select: [
      ['nsg', 'nsg'],
      ['rule_name', 'rule_name'],
    ],
  },
  nsg: { columns: ['nsg'], select: [['nsg', 'nsg']] },
  remote_country: enriched('remote_country', enrichSql.country()),
  remote_asn: {
    columns: ['remote_ip'],
    select: [
      ['remote_asn', enrichSql.asn()],
      ['remote_as_name', enrichSql.asName()],
    ],
    groupBy: ['k_remote_asn', 'k_remote_as_name'],
  },
  service_tag: enriched('service_tag', enrichSql.serviceTag()),
  flow_type: {
    columns: ['remote_ip', 'local_ip', 'remote_is_public'],
    select: [['flow_type', flowTypeSql()]],
    groupBy: ['k_flow_type'],
  },
  connection_type: {
    columns: ['remote_ip', 'local_ip'],
    select: [['connection_type', connectionTypeSql()]],
    groupBy: ['k_connection_type'],
  },
  threat_list: enriched('threat_list', `arrayJoin(${enrichSql.threatLists()})`),
  conversation: {
    columns: ['src_ip', 'dst_ip', 'protocol', 'dst_port'],
    select: [ip('src_ip'), ip('dst_ip'), ['protocol', 'protocol'], ['dst_port', 'dst_port']],
  },
} satisfies Record<string, Dimension>;

export type DimensionName = keyof typeof DIMENSIONS;
export const DIMENSION_NAMES = Object.keys(DIMENSIONS) as [DimensionName, ...DimensionName[]];

/** Time-series splits: each series is one value of these columns. */
export const SPLITS = {
  none: [],
  action: ['action'],
  direction: ['direction'],
  action_direction: ['action', 'direction'],
  nsg: ['nsg'],
  rule_name: ['nsg', 'rule_name'],
  dst_port: ['protocol', 'dst_port'],
  local_ip: ['local_ip'],
} satisfies Record<string, string[]>;
export type SplitName = keyof typeof SPLITS;
export const SPLIT_NAMES = Object.keys(SPLITS) as [SplitName, ...SplitName[]];
/** Splits with unbounded cardinality keep their top series only. */
export const TOP_SERIES = 10;
