import { createMaterializedView, createTable, ttlDays } from '../ddl.js';
import type { Migration } from './types.js';

/**
 * `flows`: one row per flow tuple, kept as evidence. Enum codes equal core/flow/enums.ts.
 * Sorting key follows the dashboards' filters: time bucket, NSG, direction, action, port.
 * Codecs as Akvorado (DoubleDelta for time, T64 for counters, ZSTD for addresses).
 * @see https://clickhouse.com/docs/sql-reference/statements/create/table#column-compression-codecs
 */
export const flowsColumns = [
  `time DateTime64(3, 'UTC') CODEC(DoubleDelta, LZ4)`,
  `record_time DateTime64(3, 'UTC') CODEC(DoubleDelta, LZ4)`,
  `ingested_at DateTime64(3, 'UTC') DEFAULT now64(3) CODEC(DoubleDelta, LZ4)`,
  'format LowCardinality(String)',
  'subscription_id LowCardinality(String)',
  'resource_group LowCardinality(String)',
  'nsg LowCardinality(String)',
  'target_resource LowCardinality(String)',
  'flow_log LowCardinality(String)',
  'acl_id LowCardinality(String)',
  'mac LowCardinality(String)',
  'rule LowCardinality(String)',
  'rule_name LowCardinality(String)',
  'rule_kind LowCardinality(String)',
  'src_ip IPv6 CODEC(ZSTD(1))',
  'dst_ip IPv6 CODEC(ZSTD(1))',
  'src_port UInt16',
  'dst_port UInt16',
  'protocol UInt8',
  `direction Enum8('inbound' = 1, 'outbound' = 2)`,
  `action Enum8('allow' = 1, 'deny' = 2)`,
  `state Enum8('none' = 0, 'begin' = 1, 'continue' = 2, 'end' = 3, 'deny' = 4)`,
  'encryption LowCardinality(String)',
  'packets_sent UInt64 CODEC(T64, LZ4)',
  'bytes_sent UInt64 CODEC(T64, LZ4)',
  'packets_received UInt64 CODEC(T64, LZ4)',
  'bytes_received UInt64 CODEC(T64, LZ4)',
  'has_counters Bool',
  'remote_is_public Bool',
  `local_ip IPv6 MATERIALIZED if(direction = 'inbound', dst_ip, src_ip)`,
  `remote_ip IPv6 MATERIALIZED if(direction = 'inbound', src_ip, dst_ip)`,
  'source LowCardinality(String)',
  'record_offset UInt64',
  'tuple_index UInt32',
];

const rollupColumns = (timeType: string) => [
  `time ${timeType} CODEC(DoubleDelta, LZ4)`,
  'format LowCardinality(String)',
  'nsg LowCardinality(String)',
  'rule_name LowCardinality(String)',
  'rule_kind LowCardinality(String)',
  `direction Enum8('inbound' = 1, 'outbound' = 2)`,
  `action Enum8('allow' = 1, 'deny' = 2)`,
  'protocol UInt8',
  'dst_port UInt16',
  'local_ip IPv6',
  'remote_is_public Bool',
  'flows UInt64',
  'packets_sent UInt64',
  'bytes_sent UInt64',
  'packets_received UInt64',
  'bytes_received UInt64',
];
const ROLLUP_KEY =
  '(time, nsg, rule_name, direction, action, protocol, dst_port, local_ip, remote_is_public, format, rule_kind)';
const ROLLUP_SUMS = 'SummingMergeTree((flows, packets_sent, bytes_sent, packets_received, bytes_received))';
const ROLLUP_DIMS =
  'format, nsg, rule_name, rule_kind, direction, action, protocol, dst_port, local_ip, remote_is_public';

export const migration0001: Migration = {
  version: '0001',
  name: 'flows, rollups, rejects, ingest positions',
  up: (opts) => [
    ...createTable(opts, {
      name: 'flows',
      columns: flowsColumns,
      engine: 'MergeTree',
      partitionBy: 'toYYYYMMDD(time)',
      orderBy: '(toStartOfFiveMinutes(time), nsg, direction, action, dst_port, src_ip, time)',
      ...optionalTtl(ttlDays('toDateTime(time)', opts.rawTtlDays)),
      settings: ['ttl_only_drop_parts = 1', 'non_replicated_deduplication_window = 10000'],
      shardBy: 'cityHash64(src_ip, dst_ip)',
    }),
    ...createTable(opts, {
      name: 'flows_1m',
      columns: rollupColumns(`DateTime('UTC')`),
      engine: ROLLUP_SUMS,
      partitionBy: 'toYYYYMM(time)',
      orderBy: ROLLUP_KEY,
      ...optionalTtl(ttlDays('time', opts.minuteTtlDays)),
      settings: ['ttl_only_drop_parts = 1', 'non_replicated_deduplication_window = 10000'],
    }),
    ...createTable(opts, {
      name: 'flows_1h',
      columns: rollupColumns(`DateTime('UTC')`),
      engine: ROLLUP_SUMS,
      partitionBy: 'toYYYYMM(time)',
      orderBy: ROLLUP_KEY,
      ...optionalTtl(ttlDays('time', opts.hourTtlDays)),
      settings: ['ttl_only_drop_parts = 1', 'non_replicated_deduplication_window = 10000'],
    }),
    createMaterializedView(opts, {
      name: 'flows_1m_mv',
      from: 'flows',
      to: 'flows_1m',
      select: (from) =>
        `SELECT toStartOfMinute(time) AS time, ${ROLLUP_DIMS}, count() AS flows, ` +
        'sum(packets_sent) AS packets_sent, sum(bytes_sent) AS bytes_sent, ' +
        'sum(packets_received) AS packets_received, sum(bytes_received) AS bytes_received ' +
        `FROM ${from} GROUP BY time, ${ROLLUP_DIMS}`,
    }),
    // Chained from the minute table: the hour view re-aggregates ~10× fewer rows than `flows`.
    createMaterializedView(opts, {
      name: 'flows_1h_mv',
      from: 'flows_1m',
      to: 'flows_1h',
      select: (from) =>
        `SELECT toStartOfHour(time) AS time, ${ROLLUP_DIMS}, sum(flows) AS flows, ` +
        'sum(packets_sent) AS packets_sent, sum(bytes_sent) AS bytes_sent, ' +
        'sum(packets_received) AS packets_received, sum(bytes_received) AS bytes_received ' +
        `FROM ${from} GROUP BY time, ${ROLLUP_DIMS}`,
    }),
    ...createTable(opts, {
      name: 'rejects',
      columns: [
        `time DateTime64(3, 'UTC') DEFAULT now64(3)`,
        'source_kind LowCardinality(String)',
        'source String',
        'offset Int64',
        'record_index Int32',
        'tuple_index Int32',
        'reason LowCardinality(String)',
        'detail String',
        'excerpt String',
      ],
      engine: 'MergeTree',
      partitionBy: 'toYYYYMM(time)',
      orderBy: '(time, source)',
      // At least a month of dead letter to investigate; none when raw retention is 'forever' (0).
      ...optionalTtl(ttlDays('toDateTime(time)', opts.rawTtlDays === 0 ? 0 : Math.max(opts.rawTtlDays, 30))),
      settings: ['non_replicated_deduplication_window = 10000'],
    }),
    ...createTable(opts, {
      name: 'ingest_positions',
      columns: [
        'source_kind LowCardinality(String)',
        'source_key String',
        /** Source-specific cursor as JSON (blob: etag, offset, pending range; file: size, mtime). */
        'position String',
        `updated_at DateTime64(3, 'UTC')`,
      ],
      engine: 'ReplacingMergeTree(updated_at)',
      orderBy: '(source_kind, source_key)',
    }),
  ],
};

function optionalTtl(ttl: string | undefined): { ttl?: string } {
  return ttl ? { ttl } : {};
}
