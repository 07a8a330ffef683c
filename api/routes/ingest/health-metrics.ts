import type { Registry } from 'prom-client';
import type { Config } from '../../../core/config/schema.js';

/** A configured source as this process sees it: its poll interval and its Prometheus series. */
export interface SourceHealth {
  /** The `source` label of its series (the configured name, else its kind and account/index). */
  name: string;
  kind: string;
  /** Seconds between polls (blob sources); 0 for sources that are pushed to (Kafka, Event Hubs, files). */
  pollSeconds: number;
  /** `flowlens_source_lag_seconds`: null when the source has not reported one. */
  lagSeconds: number | null;
  /** `flowlens_source_parked` = 1: it kept failing and is retried rarely (docs/ingest.md). */
  parked: boolean;
  /** Failed source calls since start, retried by the source (`flowlens_*_errors_total` by source). */
  errors: number;
}

/** Counters of failed source calls; each source kind that retries on its own exports one. */
const ERROR_SERIES = ['flowlens_source_errors_total', 'flowlens_blob_errors_total'];

type Values = { labels: Record<string, string | number>; value: number }[];

async function series(registry: Registry, name: string): Promise<Values> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return [];
  return (await metric.get()).values as Values;
}

/** Blob sources poll; every other kind is pushed to or read once. */
export function pollSecondsOf(cfg: Config['sources'][number]): number {
  return cfg.type === 'blob' ? cfg.pollIntervalSeconds : 0;
}

/** The kind a series label names: the configured source of that name, else the label's prefix. */
function kindOf(label: string, config: Config): string {
  const cfg = config.sources.find((s) => s.name === label);
  return cfg?.type ?? /^[a-z-]+/.exec(label)?.[0] ?? '';
}

/**
 * This process's sources from the configuration and the metrics registry: the labels of any source
 * series, each with its lag, parked flag and error count. A process that runs no sources (`serve`
 * beside a separate `run`) lists the configured ones with nothing reported.
 */
export async function readSourceHealth(registry: Registry, config: Config): Promise<SourceHealth[]> {
  const [lag, parked, ...errors] = await Promise.all([
    series(registry, 'flowlens_source_lag_seconds'),
    series(registry, 'flowlens_source_parked'),
    ...ERROR_SERIES.map((n) => series(registry, n)),
  ]);
  const out = new Map<string, SourceHealth>();
  const entry = (name: string): SourceHealth => {
    let e = out.get(name);
    if (!e) {
      const cfg = config.sources.find((s) => s.name === name);
      e = {
        name,
        kind: kindOf(name, config),
        pollSeconds: cfg ? pollSecondsOf(cfg) : 0,
        lagSeconds: null,
        parked: false,
        errors: 0,
      };
      out.set(name, e);
    }
    return e;
  };
  for (const [i, s] of config.sources.entries()) entry(s.name ?? `${s.type}#${i}`);
  for (const v of lag) entry(String(v.labels.source ?? '')).lagSeconds = v.value;
  for (const v of parked) entry(String(v.labels.source ?? '')).parked = v.value === 1;
  for (const v of errors.flat()) entry(String(v.labels.source ?? '')).errors += v.value;
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Insert attempts that failed and were retried (`flowlens_insert_errors_total{kind="transient"}`). */
export async function readInsertRetries(registry: Registry): Promise<number> {
  const values = await series(registry, 'flowlens_insert_errors_total');
  return values.filter((v) => v.labels.kind === 'transient').reduce((s, v) => s + v.value, 0);
}
