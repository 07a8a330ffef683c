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
  sourceLagSeconds: Gauge<'source'>;
  /** 1 while a configured source is parked (it kept failing; retried rarely), else 0. */
  sourceParked: Gauge<'source'>;
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
    sourceLagSeconds: new Gauge({
      name: 'flowlens_source_lag_seconds',
      help: 'Now minus the time of the newest data seen by a source',
      labelNames: ['source'],
      ...opts,
    }),
    sourceParked: new Gauge({
      name: 'flowlens_source_parked',
      help: '1 while a source is parked after failing repeatedly (retried rarely), else 0',
      labelNames: ['source'],
      ...opts,
    }),
  };
}
