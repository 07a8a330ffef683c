import type { ClickHouseClient } from '@clickhouse/client';
import { onCluster, storageName } from './ddl.js';
import { MIGRATIONS } from './migrations/index.js';
import { DEFAULT_SCHEMA_OPTIONS, type Migration, type SchemaOptions } from './migrations/types.js';

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

/**
 * Applies pending migrations in order and records each in `schema_migrations`. Every statement is
 * `IF NOT EXISTS`, so two instances starting at once converge instead of failing.
 */
export async function migrate(
  client: ClickHouseClient,
  opts: SchemaOptions = DEFAULT_SCHEMA_OPTIONS,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationResult> {
  assertOrdered(migrations);
  await client.command({
    query:
      `CREATE TABLE IF NOT EXISTS schema_migrations${onCluster(opts)} ` +
      `(version String, name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)) ` +
      `ENGINE = ${opts.cluster ? `ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/schema_migrations', '{replica}')` : 'ReplacingMergeTree'} ORDER BY version`,
  });
  const done = new Set(await appliedVersions(client));
  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  for (const m of migrations) {
    if (done.has(m.version)) {
      result.alreadyApplied.push(m.version);
      continue;
    }
    for (const statement of m.up(opts)) await client.command({ query: statement });
    await client.insert({
      table: 'schema_migrations',
      values: [{ version: m.version, name: m.name }],
      format: 'JSONEachRow',
    });
    result.applied.push(m.version);
  }
  return result;
}

export async function appliedVersions(client: ClickHouseClient): Promise<string[]> {
  const rs = await client.query({
    query: 'SELECT DISTINCT version FROM schema_migrations ORDER BY version',
    format: 'JSONEachRow',
  });
  return (await rs.json<{ version: string }>()).map((r) => r.version);
}

/**
 * Brings table TTLs in line with the configured retention. Retention is configuration, not schema,
 * so it is reconciled on every start rather than frozen into an immutable migration.
 */
export async function applyRetention(client: ClickHouseClient, opts: SchemaOptions): Promise<void> {
  const targets: [string, string, number][] = [
    ['flows', 'toDateTime(time)', opts.rawTtlDays],
    ['flows_1m', 'time', opts.minuteTtlDays],
    ['flows_1h', 'time', opts.hourTtlDays],
  ];
  for (const [table, column, days] of targets) {
    const name = storageName(opts, table);
    const query =
      days > 0
        ? `ALTER TABLE ${name}${onCluster(opts)} MODIFY TTL ${column} + INTERVAL ${Math.floor(days)} DAY DELETE`
        : `ALTER TABLE ${name}${onCluster(opts)} REMOVE TTL`;
    // MODIFY TTL would rewrite parts; materialize lazily (parts drop whole with ttl_only_drop_parts).
    await client
      .command({ query, clickhouse_settings: { materialize_ttl_after_modify: 0 } })
      .catch((err: unknown) => {
        // REMOVE TTL on a table without TTL is an error in ClickHouse; nothing to do then.
        if (days > 0) throw err;
      });
  }
}

function assertOrdered(migrations: readonly Migration[]): void {
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i - 1]!.version >= migrations[i]!.version) {
      throw new Error(`migrations out of order at ${migrations[i]!.version}`);
    }
  }
}
