import { createTable, ttlDays } from '../ddl.js';
import { ARRIVAL_TTL } from './0002_retention_from_arrival.js';
import type { Migration } from './types.js';

/**
 * `rule_key_days`: the NSG rule report's per-UTC-day partial results, per rule group (NSG, ACL,
 * subscription, resource group, rule, kind, direction, action): hits, distinct sources (exact
 * `uniqExact` states, so days merge exactly), internal hits and sources, first and last flow,
 * formats, and per hour with flows its first and last flow (coverage slices of at least an hour
 * follow exactly from them). The report builder fills and reads it itself
 * (analyze/rules/join/key-cache.ts): a day computed once is reused until a flow of that day arrives
 * after the `watermark` it was computed at, so the hourly refresh reads its window's new day, not
 * 30 days of flows (issue 17).
 *
 * - Not fed by a materialized view: a view is paid on every insert (ingest speed), this table
 *   is paid once per closed day by the reader.
 * - `watermark` is in the key: each computation of a day is a set of rows of its own, and the
 *   reader picks the rows of the computation it validated, so a newer computation stored meanwhile
 *   never mixes with an older one. ReplacingMergeTree (read with `FINAL`) collapses the same
 *   computation stored twice (two builders at the same millisecond). Superseded computations stay
 *   until retention drops their day (a few rows per rule group and late arrival).
 * - Partitioned and sharded by day: one insert puts a day's rows in one part on one shard, so a
 *   day becomes visible whole.
 * - Retention: the raw retention, counted from the later of the day's end and the computation
 *   (as `flows` counts from the later of flow time and arrival, migration 0002), so rows just
 *   computed are never already expired (an import of old logs stores flows of long-past days).
 *   Reconciled with the raw retention at every start (core/clickhouse/migrate.ts `retainedTables`).
 *   The reader never serves a day whose flows may have begun to expire (key-cache-plan.ts
 *   `cachePlan`), so rows kept past that are unused until retention drops them.
 */
export const migration0770: Migration = {
  version: '0770',
  name: 'rule_key_days: per-day rule-group partials the rule report caches',
  up: (opts) =>
    createTable(opts, {
      name: RULE_KEY_DAYS,
      columns: [
        'day Date',
        `watermark DateTime64(3, 'UTC')`,
        'nsg String',
        'acl_id String',
        'subscription_id String',
        'resource_group String',
        'rule_name String',
        'rule_kind String',
        'direction LowCardinality(String)',
        'action LowCardinality(String)',
        'hits UInt64',
        'sources AggregateFunction(uniqExact, IPv6)',
        'internal_hits UInt64',
        'internal_sources AggregateFunction(uniqExact, IPv6)',
        `first DateTime64(3, 'UTC')`,
        `last DateTime64(3, 'UTC')`,
        'formats Array(String)',
        `hour_spans Array(Tuple(DateTime64(3, 'UTC'), DateTime64(3, 'UTC')))`,
      ],
      engine: 'ReplacingMergeTree',
      partitionBy: 'toYYYYMMDD(day)',
      orderBy:
        '(day, watermark, nsg, acl_id, subscription_id, resource_group, rule_name, rule_kind, direction, action)',
      ...optionalTtl(ttlDays(ARRIVAL_TTL.rule_key_days, opts.rawTtlDays)),
      settings: ['ttl_only_drop_parts = 1'],
      shardBy: 'toYYYYMMDD(day)',
    }),
};

export const RULE_KEY_DAYS = 'rule_key_days';

function optionalTtl(ttl: string | undefined): { ttl?: string } {
  return ttl ? { ttl } : {};
}
