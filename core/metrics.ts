import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * One Prometheus registry per process, created by the CLI and passed in (no global singleton).
 * Names follow Prometheus conventions: `*_total` for counters, `*_seconds` for durations.
 */
export interface Metrics {
  registry: Registry;
  recordsTotal: Counter<'source'>;
  rowsTotal: Counter<'source'>;
  duplicateRowsTotal: Counter<'source'>;
  rejectsTotal: Counter<'source' | 'reason'>;
  bytesReadTotal: Counter<'source'>;
  insertSeconds: Histogram<'table'>;
  /** Failed insert attempts, `kind` transient (retried; an outage shows here) or permanent. */
  insertErrorsTotal: Counter<'table' | 'kind'>;
  /**
   * The series every source exports, labelled by the configured source (`source`, as in
   * `flowlens_source_parked`) and its `kind`; kept by ingest/sources/metrics.ts for every source
   * the registry builds, read by `/api/ingest/status` (docs/operations.md "Metrics").
   */
  source: SourceSeries;
  /** 1 while a configured source is parked (it kept failing; retried rarely), else 0. */
  sourceParked: Gauge<'source'>;
}

export interface SourceSeries {
  /** Rows committed from this source's batches. */
  rows: Counter<'source' | 'kind'>;
  /** Body bytes of acked batches. */
  bytes: Counter<'source' | 'kind'>;
  /** Acked batches. */
  batches: Counter<'source' | 'kind'>;
  /** Failed runs by class: `transient`, `permanent`, `config` (the source side) or `write` (the sink). */
  errors: Counter<'source' | 'kind' | 'class'>;
  /** Bytes handed to the pipeline and not acked yet. */
  inflightBytes: Gauge<'source' | 'kind'>;
  /** Per stream (`key`: file, flow-log root, topic/partition): now − time of the newest data acked. */
  lagSeconds: Gauge<'source' | 'kind' | 'key'>;
}

/** Names of the uniform source series (the API reads them by name: it cannot import ingest). */
export const SOURCE_SERIES = {
  rows: 'flowlens_source_rows_total',
  bytes: 'flowlens_source_bytes_total',
  batches: 'flowlens_source_batches_total',
  errors: 'flowlens_source_errors_total',
  inflightBytes: 'flowlens_source_inflight_bytes',
  lagSeconds: 'flowlens_source_lag_seconds',
} as const;

function sourceSeries(registry: Registry): SourceSeries {
  const registers = [registry];
  const labelNames = ['source', 'kind'] as const;
  return {
    rows: new Counter({ name: SOURCE_SERIES.rows, help: 'Rows committed, by source', labelNames, registers }),
    bytes: new Counter({
      name: SOURCE_SERIES.bytes,
      help: 'Bytes of acked batches, by source',
      labelNames,
      registers,
    }),
    batches: new Counter({
      name: SOURCE_SERIES.batches,
      help: 'Acked batches, by source',
      labelNames,
      registers,
    }),
    errors: new Counter({
      name: SOURCE_SERIES.errors,
      help: 'Failed source runs by class (transient, permanent, config; write = the sink failed)',
      labelNames: ['source', 'kind', 'class'],
      registers,
    }),
    inflightBytes: new Gauge({
      name: SOURCE_SERIES.inflightBytes,
      help: 'Bytes handed to the pipeline and not acked yet',
      labelNames,
      registers,
    }),
    lagSeconds: new Gauge({
      name: SOURCE_SERIES.lagSeconds,
      help: 'Now minus the time of the newest data acked, per source stream (key)',
      labelNames: ['source', 'kind', 'key'],
      registers,
    }),
  };
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  const opts = { registers: [registry] };
  return {
    registry,
    recordsTotal: new Counter({
      name: 'flowlens_records_total',
      help: 'Flow-log records read',
      labelNames: ['source'],
      ...opts,
    }),
    rowsTotal: new Counter({
      name: 'flowlens_rows_total',
      help: 'Flow tuples committed to ClickHouse (a repeated range counts in flowlens_duplicate_rows_total)',
      labelNames: ['source'],
      ...opts,
    }),
    duplicateRowsTotal: new Counter({
      name: 'flowlens_duplicate_rows_total',
      help: 'Flow tuples not stored again because their source range was already stored (deduplicated replay)',
      labelNames: ['source'],
      ...opts,
    }),
    rejectsTotal: new Counter({
      name: 'flowlens_rejects_total',
      help: 'Records or tuples sent to the dead letter (rejects table)',
      labelNames: ['source', 'reason'],
      ...opts,
    }),
    bytesReadTotal: new Counter({
      name: 'flowlens_source_bytes_read_total',
      help: 'Bytes read from sources',
      labelNames: ['source'],
      ...opts,
    }),
    insertSeconds: new Histogram({
      name: 'flowlens_insert_seconds',
      help: 'Duration of ClickHouse inserts',
      labelNames: ['table'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      ...opts,
    }),
    insertErrorsTotal: new Counter({
      name: 'flowlens_insert_errors_total',
      help: 'Failed ClickHouse insert attempts (transient ones are retried)',
      labelNames: ['table', 'kind'],
      ...opts,
    }),
    source: sourceSeries(registry),
    sourceParked: new Gauge({
      name: 'flowlens_source_parked',
      help: '1 while a source is parked after failing repeatedly (retried rarely), else 0',
      labelNames: ['source'],
      ...opts,
    }),
  };
}
