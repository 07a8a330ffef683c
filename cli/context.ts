import type { Command } from 'commander';
import { type Db, openDb } from '../core/clickhouse/client.js';
import { applyRetention, migrate } from '../core/clickhouse/migrate.js';
import { MIGRATIONS } from '../core/clickhouse/migrations/index.js';
import type { SchemaOptions } from '../core/clickhouse/migrations/types.js';
import { type Clock, systemClock } from '../core/clock.js';
import { loadConfig } from '../core/config/load.js';
import type { Config } from '../core/config/schema.js';
import { ensureNetworks } from '../core/enrich/flow-type.js';
import { ensurePackagedDatasets } from '../core/enrich/ranges.js';
import { createLogger, type Logger } from '../core/logging.js';
import { createMetrics, type Metrics } from '../core/metrics.js';
import { SOURCES } from '../ingest/sources/registry.js';

/** Global options every command accepts (docs/reference/design-brief.md §5). */
export interface GlobalOptions {
  db?: string;
  clickhouseUrl?: string;
  config?: string;
  logLevel?: string;
}

export function addGlobalOptions(program: Command): Command {
  return program
    .option('--db <dir>', 'embedded chDB data directory (default ./.flowlens)')
    .option('--clickhouse-url <url>', 'use a ClickHouse server instead of the embedded engine')
    .option('--config <file>', 'configuration file (YAML or JSON)')
    .option('--log-level <level>', 'debug | info | warn | error | silent');
}

/** Resolves configuration once: file → FLOWLENS_* env → command-line flags. */
export function resolveConfig(opts: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Config {
  const database: Record<string, unknown> = {};
  if (opts.db) database.path = opts.db;
  const url = opts.clickhouseUrl ?? env.FLOWLENS_CLICKHOUSE_URL;
  if (url) database.url = url;
  if (env.FLOWLENS_CLICKHOUSE_USER) database.username = env.FLOWLENS_CLICKHOUSE_USER;
  if (env.FLOWLENS_CLICKHOUSE_PASSWORD) database.password = env.FLOWLENS_CLICKHOUSE_PASSWORD;
  const overrides: Record<string, unknown> = { database };
  if (opts.logLevel) overrides.log = { level: opts.logLevel };
  // Each `sources:` entry is checked by its kind's schema (the ingest source registry).
  return loadConfig({
    ...(opts.config ? { file: opts.config } : {}),
    env,
    overrides,
    sources: SOURCES.configSchema,
  });
}

export function schemaOptions(config: Config): SchemaOptions {
  const r = config.database.retention;
  return {
    rawTtlDays: r.rawDays,
    minuteTtlDays: r.minuteDays,
    hourTtlDays: r.hourDays,
    ...(config.database.cluster ? { cluster: config.database.cluster } : {}),
  };
}

/** What a command gets: config, a migrated database, a logger and metrics. */
export interface AppContext {
  config: Config;
  db: Db;
  logger: Logger;
  metrics: Metrics;
  /** The clock every command reads (analysis windows, relative API times, status times). */
  now: Clock;
}

/**
 * Opens the database and migrates it. Long-running commands pass `loadPackagedData` so a fresh
 * install enriches out of the box: the packaged ASN/country data loads at first start (and after a
 * package upgrade), a few seconds once (docs/enrichment.md), nothing on later starts.
 */
export async function openApp(
  config: Config,
  opts: { loadPackagedData?: boolean } = {},
): Promise<AppContext> {
  const d = config.database;
  const db = openDb(
    d.url
      ? {
          kind: 'server',
          url: d.url,
          database: d.database,
          ...(d.username !== undefined ? { username: d.username } : {}),
          ...(d.password !== undefined ? { password: d.password } : {}),
        }
      : { kind: 'embedded', path: d.path },
  );
  const schema = schemaOptions(config);
  // Several processes share a server; embedded chDB has one process per data directory.
  await migrate(db.client, schema, MIGRATIONS, { lock: db.target.kind === 'server' ? {} : false });
  await applyRetention(db.client, schema);
  const logger = createLogger(config.log.level);
  const networks = await ensureNetworks(db.client, config.enrich.networks, systemClock);
  for (const p of networks.problems) logger.warn(p);
  if (opts.loadPackagedData && config.enrich.packagedData === 'load') {
    const started = Date.now();
    const loaded = await ensurePackagedDatasets(db.client, systemClock);
    for (const l of loaded) {
      logger.info(
        { dataset: l.name, version: l.version, prefixes: l.rows, ms: Date.now() - started },
        'enrichment data loaded',
      );
    }
  }
  return { config, db, logger, metrics: createMetrics(), now: systemClock };
}
