import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { ConfigError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logging.js';
import type { Metrics } from '../../../core/metrics.js';
import { type BlobAuth, createBlobTarget } from './client.js';
import type { BlobSourceConfig } from './config.js';
import { BlobSource, type BlobSourceOptions } from './source.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Resolves the configured auth with secrets from `env` (the CLI passes `process.env`). */
export function resolveBlobAuth(auth: BlobSourceConfig['auth'], env: Env): BlobAuth {
  const need = (name: string): string => {
    const value = env[name];
    if (!value) throw new ConfigError([`blob source: environment variable ${name} is not set`]);
    return value;
  };
  switch (auth.method) {
    case 'connection-string':
      return { method: 'connection-string', connectionString: need(auth.connectionStringEnv) };
    case 'account-key':
      return {
        method: 'account-key',
        accountUrl: auth.accountUrl,
        accountName: auth.accountName,
        accountKey: need(auth.accountKeyEnv),
      };
    case 'sas-url':
      return { method: 'sas-url', url: need(auth.sasUrlEnv) };
    case 'default-credential':
      return { method: 'default-credential', accountUrl: auth.accountUrl };
  }
}

/**
 * A string given on the command line (`flowlens ingest --blob X`): a connection string
 * (`…AccountName=…`, `UseDevelopmentStorage=true`) or an account / container SAS URL.
 */
export function blobAuthFromArgument(value: string): BlobAuth {
  return /^https?:\/\//i.test(value)
    ? { method: 'sas-url', url: value }
    : { method: 'connection-string', connectionString: value };
}

export interface BlobSourceDeps {
  auth: BlobAuth;
  db: ClickHouseClient;
  metrics: Metrics;
  logger: Logger;
  /** Lease id of this instance (default: a fresh GUID per process). */
  owner?: string;
  once?: boolean;
  onProgress?: BlobSourceOptions['onProgress'];
  /** Wall clock in ms (which hours are live, lag); default: the system's. */
  now?: () => number;
}

/** Inert until `batches()` is iterated. */
export function createBlobSource(cfg: BlobSourceConfig, deps: BlobSourceDeps): BlobSource {
  const target = createBlobTarget(deps.auth);
  const leases = cfg.leases.enabled && target.service && !deps.once;
  return new BlobSource({
    name: cfg.name ?? `blob:${target.account}`,
    target,
    containers: cfg.containers,
    prefixes: cfg.prefixes,
    ...(cfg.startTime ? { startTimeMs: Date.parse(cfg.startTime) } : {}),
    pollIntervalMs: cfg.pollIntervalSeconds * 1000,
    discoveryIntervalMs: cfg.discoveryIntervalSeconds * 1000,
    listPageSize: cfg.listPageSize,
    maxRangeBytes: cfg.maxRangeBytes,
    concurrency: cfg.concurrency,
    ...(leases
      ? {
          lease: {
            container: cfg.leases.container,
            durationSeconds: cfg.leases.durationSeconds,
            owner: deps.owner ?? randomUUID(),
          },
        }
      : {}),
    ...(deps.once ? { once: true } : {}),
    db: deps.db,
    metrics: deps.metrics,
    logger: deps.logger,
    ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  });
}
