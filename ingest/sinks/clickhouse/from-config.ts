import type { Db } from '../../../core/clickhouse/client.js';
import type { Config } from '../../../core/config/schema.js';
import type { Logger } from '../../../core/logging.js';
import type { Metrics } from '../../../core/metrics.js';
import type { RetryOptions } from '../../../core/retry.js';
import type { FlowSink } from '../../contracts.js';
import { createClickHouseSink } from './sink.js';

function coalesceLimits(c: Config['ingest']['coalesce']) {
  return {
    maxRows: c.maxRows,
    maxBytes: c.maxBytes,
    maxDelayMs: c.maxDelayMs,
    recoveryWaitMs: c.recoveryWaitMs,
  };
}

/** The sink every ingest path uses, with the configured batch size and staging directory. */
export function sinkFromConfig(
  config: Config,
  deps: { db: Db; metrics: Metrics; logger: Logger },
  signal: AbortSignal,
  /** `ingest --force`: a fresh deduplication namespace, so this run stores its ranges again. */
  tokenNamespace?: string,
  retry?: Partial<RetryOptions>,
): FlowSink {
  return createClickHouseSink({
    db: deps.db,
    metrics: deps.metrics,
    logger: deps.logger,
    batchRows: config.ingest.batchRows,
    coalesce: config.ingest.coalesce.enabled ? coalesceLimits(config.ingest.coalesce) : false,
    ...(config.ingest.stagingDir ? { stagingDir: config.ingest.stagingDir } : {}),
    signal,
    ...(tokenNamespace ? { tokenNamespace } : {}),
    ...(retry ? { retry } : {}),
  });
}
