import { Counter, Gauge, type Registry } from 'prom-client';
import type { Metrics } from '../../../core/metrics.js';

/**
 * Blob-only counters, registered on the process registry next to the series every source exports
 * (`flowlens_source_*`, kept by ingest/sources/metrics.ts; the lag there is the last modification
 * of a blob → its rows durable, per flow-log root). Reused when a second blob source registers on
 * the same registry.
 */
export interface BlobMetrics {
  shared: Metrics;
  listRequests: Counter<'source'>;
  blobsSeen: Counter<'source'>;
  rangesRead: Counter<'source'>;
  bytesDownloaded: Counter<'source'>;
  resets: Counter<'source'>;
  errors: Counter<'source' | 'op'>;
  shardsOwned: Gauge<'source'>;
}

export function createBlobMetrics(shared: Metrics): BlobMetrics {
  const r = shared.registry;
  return {
    shared,
    listRequests: counter(r, 'flowlens_blob_list_requests_total', 'List Blobs requests', ['source']),
    blobsSeen: counter(r, 'flowlens_blob_blobs_seen_total', 'Distinct blobs seen by this process', [
      'source',
    ]),
    rangesRead: counter(r, 'flowlens_blob_ranges_read_total', 'Byte ranges read (one batch each)', [
      'source',
    ]),
    bytesDownloaded: counter(r, 'flowlens_blob_bytes_downloaded_total', 'Bytes downloaded by ranged GETs', [
      'source',
    ]),
    resets: counter(r, 'flowlens_blob_resets_total', 'Blobs re-read from the head because they changed', [
      'source',
    ]),
    errors: counter(r, 'flowlens_blob_errors_total', 'Storage calls that failed (retried next poll)', [
      'source',
      'op',
    ]),
    shardsOwned: gauge(r, 'flowlens_blob_shards_owned', 'Flow-log roots this instance holds a lease on', [
      'source',
    ]),
  };
}

function counter<L extends string>(r: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  return (
    (r.getSingleMetric(name) as Counter<L> | undefined) ??
    new Counter({ name, help, labelNames, registers: [r] })
  );
}

function gauge<L extends string>(r: Registry, name: string, help: string, labelNames: L[]): Gauge<L> {
  return (
    (r.getSingleMetric(name) as Gauge<L> | undefined) ?? new Gauge({ name, help, labelNames, registers: [r] })
  );
}
