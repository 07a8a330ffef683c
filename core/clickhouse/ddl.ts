import type { SchemaOptions } from './migrations/types.js';

/**
 * DDL rendering for single-node and cluster deployments from one description.
 * Single node: `CREATE TABLE name … ENGINE = X`. Cluster: a `name_local` Replicated table on every
 * node plus a `name` Distributed table, both `ON CLUSTER` — queries keep using `name`.
 * @see https://clickhouse.com/docs/engines/table-engines/mergetree-family/replication
 * @see https://clickhouse.com/docs/engines/table-engines/special/distributed
 */
export interface TableSpec {
  name: string;
  columns: string[];
  /** `MergeTree`, `SummingMergeTree((a, b))`, `ReplacingMergeTree(version)`. */
  engine: string;
  orderBy: string;
  partitionBy?: string;
  primaryKey?: string;
  ttl?: string;
  settings?: string[];
  /** Sharding key for the Distributed table (cluster mode only). */
  shardBy?: string;
}

export function onCluster(opts: SchemaOptions): string {
  return opts.cluster ? ` ON CLUSTER ${ident(opts.cluster)}` : '';
}

/** Name of the table that physically stores rows (`x_local` in cluster mode). */
export function storageName(opts: SchemaOptions, name: string): string {
  return opts.cluster ? `${name}_local` : name;
}

export function replicatedEngine(engine: string, table: string): string {
  const open = engine.indexOf('(');
  const family = open < 0 ? engine : engine.slice(0, open);
  const args = open < 0 ? '' : engine.slice(open + 1, -1).trim();
  const path = `'/clickhouse/tables/{shard}/{database}/${table}', '{replica}'`;
  return `Replicated${family}(${path}${args ? `, ${args}` : ''})`;
}

export function createTable(opts: SchemaOptions, spec: TableSpec): string[] {
  const local = storageName(opts, spec.name);
  const engine = opts.cluster ? replicatedEngine(spec.engine, local) : spec.engine;
  const clauses = [
    `CREATE TABLE IF NOT EXISTS ${local}${onCluster(opts)}`,
    `(\n  ${spec.columns.join(',\n  ')}\n)`,
    `ENGINE = ${engine}`,
    spec.partitionBy ? `PARTITION BY ${spec.partitionBy}` : '',
    spec.primaryKey ? `PRIMARY KEY ${spec.primaryKey}` : '',
    `ORDER BY ${spec.orderBy}`,
    spec.ttl ? `TTL ${spec.ttl}` : '',
    spec.settings?.length ? `SETTINGS ${spec.settings.join(', ')}` : '',
  ];
  const statements = [clauses.filter(Boolean).join('\n')];
  if (opts.cluster) {
    statements.push(
      `CREATE TABLE IF NOT EXISTS ${spec.name}${onCluster(opts)} AS ${local}\n` +
        `ENGINE = Distributed(${ident(opts.cluster)}, currentDatabase(), ${local}, ${spec.shardBy ?? 'rand()'})`,
    );
  }
  return statements;
}

/**
 * A materialized view that feeds `to` from inserts into `from`. In cluster mode both ends are the
 * local tables, so every node aggregates what it stores.
 */
export function createMaterializedView(
  opts: SchemaOptions,
  spec: { name: string; from: string; to: string; select: (from: string) => string },
): string {
  const from = storageName(opts, spec.from);
  const to = storageName(opts, spec.to);
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${spec.name}${onCluster(opts)} TO ${to}\nAS ${spec.select(from)}`;
}

/** `TTL` clause for a retention in days; empty when retention is 0 (keep forever). */
export function ttlDays(column: string, days: number): string | undefined {
  return days > 0 ? `${column} + INTERVAL ${Math.floor(days)} DAY DELETE` : undefined;
}

function ident(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid identifier: ${name}`);
  return name;
}
