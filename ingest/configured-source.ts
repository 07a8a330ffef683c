import { DefaultAzureCredential } from '@azure/identity';
import type { Db } from '../core/clickhouse/client.js';
import type { SourceConfig } from '../core/config/sections/sources.js';
import type { Logger } from '../core/logging.js';
import type { Metrics } from '../core/metrics.js';
import type { Normalizer, Source } from './contracts.js';
import { normalize } from './normalizers/index.js';
import type { NormalizerVariant } from './normalizers/pool/variants.js';
import { createBlobSource, resolveBlobAuth } from './sources/blob/factory.js';
import { withBlobRange } from './sources/blob/normalize.js';
import { resolveEventHubsSecrets } from './sources/event-hubs/client.js';
import { createEventHubsSource } from './sources/event-hubs/source.js';
import { clickHouseFilePositions } from './sources/file/positions.js';
import { createFileSource } from './sources/file/source.js';
import { resolveKafkaSecrets } from './sources/kafka/client-config.js';
import { withKafkaFrames } from './sources/kafka/frame-normalizer.js';
import { createKafkaSource } from './sources/kafka/source.js';

export interface SourceDeps {
  db: Db;
  metrics: Metrics;
  logger: Logger;
  /** Secrets are named in the config and read from here (the CLI passes process.env). */
  env: Record<string, string | undefined>;
  /** Wall clock in ms for sources that read it (blob: live hours); default: the system's. */
  now?: () => number;
}

/** A source and the normalizer for its bodies (Kafka frames several messages into one body). */
export interface ConfiguredSource {
  source: Source;
  normalize: Normalizer;
  /** The same normalizer by name, for worker threads (`ingest.workers`). */
  variant: NormalizerVariant;
}

/** Builds the source a config entry describes. Inert: nothing connects until `batches()` runs. */
export function createConfiguredSource(cfg: SourceConfig, deps: SourceDeps): ConfiguredSource {
  const logger = deps.logger.child({ source: cfg.type });
  switch (cfg.type) {
    case 'file':
      return {
        source: createFileSource({
          paths: cfg.paths,
          positions: clickHouseFilePositions(deps.db.client),
          logger,
        }),
        normalize,
        variant: 'plain',
      };
    case 'blob':
      return {
        source: createBlobSource(cfg, {
          auth: resolveBlobAuth(cfg.auth, deps.env),
          db: deps.db.client,
          metrics: deps.metrics,
          logger,
          ...(deps.now ? { now: deps.now } : {}),
        }),
        normalize: withBlobRange(normalize),
        variant: 'blob-range',
      };
    case 'kafka':
      return {
        source: createKafkaSource(cfg, { secrets: resolveKafkaSecrets(cfg, deps.env), logger }),
        normalize: withKafkaFrames(normalize),
        variant: 'kafka-frames',
      };
    case 'event-hubs':
      return {
        source: createEventHubsSource({
          config: cfg,
          secrets: resolveEventHubsSecrets(cfg, deps.env, () => new DefaultAzureCredential()),
          logger,
        }),
        // Events are framed like Kafka messages (one body, several events, per-event positions).
        normalize: withKafkaFrames(normalize),
        variant: 'kafka-frames',
      };
  }
}
