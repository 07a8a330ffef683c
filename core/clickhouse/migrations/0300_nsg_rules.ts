import { createTable } from '../ddl.js';
import type { Migration } from './types.js';

/**
 * NSG rule inventory as versioned snapshots. `nsg_snapshots` has one row per NSG per import (also
 * for an NSG without user rules); `nsg_rules` one row per rule of that snapshot. A snapshot is valid
 * from `valid_from` until the next snapshot of the same NSG, so an analysis uses the rules valid in
 * its window (Defender JIT rules come and go).
 * @see https://learn.microsoft.com/rest/api/virtualnetwork/network-security-groups/get
 */
export const migration0300: Migration = {
  version: '0300',
  name: 'nsg rule snapshots',
  up: (opts) => [
    ...createTable(opts, {
      name: 'nsg_snapshots',
      columns: [
        'snapshot_id String',
        /** Lower-case ARM id (or lower-case name when the input had no id): the join key. */
        'nsg_key String',
        `valid_from DateTime64(3, 'UTC')`,
        `imported_at DateTime64(3, 'UTC')`,
        'origin String',
        'content_hash String',
        'nsg_id String',
        'nsg_name String',
        'resource_group String',
        'subscription_id String',
        'resource_guid String',
        'location LowCardinality(String)',
        'rule_count UInt32',
      ],
      engine: 'ReplacingMergeTree(imported_at)',
      orderBy: '(nsg_key, valid_from, snapshot_id)',
      shardBy: 'cityHash64(nsg_key)',
    }),
    ...createTable(opts, {
      name: 'nsg_rules',
      columns: [
        'snapshot_id String',
        'nsg_key String',
        `valid_from DateTime64(3, 'UTC')`,
        'rule_name String',
        `rule_kind Enum8('user' = 1, 'default' = 2)`,
        'priority UInt16',
        `direction Enum8('inbound' = 1, 'outbound' = 2)`,
        `access Enum8('allow' = 1, 'deny' = 2)`,
        'protocol LowCardinality(String)',
        'source_ports Array(String)',
        'destination_ports Array(String)',
        'source_addresses Array(String)',
        'destination_addresses Array(String)',
        'source_asgs Array(String)',
        'destination_asgs Array(String)',
        'description String',
      ],
      engine: 'ReplacingMergeTree',
      orderBy: '(nsg_key, valid_from, snapshot_id, rule_kind, rule_name)',
      shardBy: 'cityHash64(nsg_key)',
    }),
  ],
};
