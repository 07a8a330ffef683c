import { z } from '@hono/zod-openapi';
import type { MetricValue } from 'prom-client';
import type { Metrics } from '../../../core/metrics.js';

export const SourceSeriesSchema = z
  .object({
    kind: z.string(),
    rows: z.number().openapi({ description: 'flowlens_source_rows_total: rows committed' }),
    bytes: z.number().openapi({ description: 'flowlens_source_bytes_total: bytes of acked batches' }),
    batches: z.number().openapi({ description: 'flowlens_source_batches_total: acked batches' }),
    errors: z.record(z.string(), z.number()).openapi({
      description: 'flowlens_source_errors_total by class (transient, permanent, config, write)',
    }),
    inflightBytes: z
      .number()
      .openapi({ description: 'flowlens_source_inflight_bytes: handed out, not acked' }),
    lagSeconds: z.record(z.string(), z.number()).openapi({
      description: 'flowlens_source_lag_seconds by stream key (flow-log root, topic/partition, file)',
    }),
  })
  .openapi('SourceSeries');
export type SourceSeriesJson = z.infer<typeof SourceSeriesSchema>;

/**
 * The uniform per-source series of this process (core/metrics.ts `SourceSeries`, kept for every
 * source by ingest/sources/metrics.ts), keyed by the configured source label. Every source reads
 * the same way, whatever its kind.
 */
export async function readSourceSeries(metrics: Metrics): Promise<Record<string, SourceSeriesJson>> {
  const s = metrics.source;
  const out: Record<string, SourceSeriesJson> = {};
  const entry = (v: MetricValue<string>) => {
    const source = String(v.labels.source ?? '');
    out[source] ??= {
      kind: String(v.labels.kind ?? ''),
      rows: 0,
      bytes: 0,
      batches: 0,
      errors: {},
      inflightBytes: 0,
      lagSeconds: {},
    };
    return out[source];
  };
  const sum = async (
    metric: { get(): Promise<{ values: MetricValue<string>[] }> },
    field: 'rows' | 'bytes' | 'batches' | 'inflightBytes',
  ) => {
    for (const v of (await metric.get()).values) entry(v)[field] += v.value;
  };
  await sum(s.rows, 'rows');
  await sum(s.bytes, 'bytes');
  await sum(s.batches, 'batches');
  await sum(s.inflightBytes, 'inflightBytes');
  for (const v of (await s.errors.get()).values) {
    const cls = String(v.labels.class ?? '');
    const e = entry(v);
    e.errors[cls] = (e.errors[cls] ?? 0) + v.value;
  }
  for (const v of (await s.lagSeconds.get()).values)
    entry(v).lagSeconds[String(v.labels.key ?? '')] = v.value;
  return out;
}

/** The largest lag per source (`reportedLagSeconds`: the worst stream of each source). */
export function worstLag(series: Record<string, SourceSeriesJson>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [source, s] of Object.entries(series)) {
    for (const lag of Object.values(s.lagSeconds)) out[source] = Math.max(out[source] ?? 0, lag);
  }
  return out;
}
