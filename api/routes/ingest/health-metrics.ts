import type { Config } from '../../../core/config/schema.js';
import type { Metrics } from '../../../core/metrics.js';
import { readSourceSeries } from './source-series.js';

/** A configured source as this process sees it: its poll interval and its Prometheus series. */
export interface SourceHealth {
  /** The `source` label of its series (the configured name, else `<kind>#<index>`). */
  name: string;
  kind: string;
  /** Seconds between polls (`pollIntervalSeconds`, blob sources); 0 for sources that are pushed to or read once. */
  pollSeconds: number;
  /** The worst of its streams' `flowlens_source_lag_seconds`: null when it has reported none. */
  lagSeconds: number | null;
  /** `flowlens_source_parked` = 1: it kept failing and is retried rarely (docs/ingest.md). */
  parked: boolean;
  /** Failed runs since start, all classes (`flowlens_source_errors_total`). */
  errors: number;
}

/**
 * A source entry's poll interval. Core sees source entries as loose objects (each kind owns its
 * schema in ingest/, which the API cannot import), so the field is read by name: a kind that polls
 * names it `pollIntervalSeconds` (blob: default 30 s, below Azure's minute either way).
 */
export function pollSecondsOf(cfg: Config['sources'][number]): number {
  const v = (cfg as Record<string, unknown>).pollIntervalSeconds;
  return typeof v === 'number' && v > 0 ? v : 0;
}

/**
 * This process's sources: the configured ones (a process that runs none, `serve` beside a separate
 * `run`, lists them with nothing reported) and any that report the uniform source series.
 */
export async function readSourceHealth(metrics: Metrics, config: Config): Promise<SourceHealth[]> {
  const out = new Map<string, SourceHealth>();
  const entry = (name: string, kind: string): SourceHealth => {
    let e = out.get(name);
    if (!e) {
      const cfg = config.sources.find((s) => s.name === name);
      e = {
        name,
        kind,
        pollSeconds: cfg ? pollSecondsOf(cfg) : 0,
        lagSeconds: null,
        parked: false,
        errors: 0,
      };
      out.set(name, e);
    }
    return e;
  };
  for (const [i, s] of config.sources.entries()) {
    entry(s.name ?? `${s.type}#${i}`, s.type).pollSeconds = pollSecondsOf(s);
  }
  for (const [name, s] of Object.entries(await readSourceSeries(metrics))) {
    const e = entry(name, s.kind);
    const lags = Object.values(s.lagSeconds);
    if (lags.length) e.lagSeconds = Math.max(...lags);
    e.errors += Object.values(s.errors).reduce((a, b) => a + b, 0);
  }
  for (const v of (await metrics.sourceParked.get()).values) {
    const name = String(v.labels.source ?? '');
    const cfgIndex = config.sources.findIndex((s, i) => (s.name ?? `${s.type}#${i}`) === name);
    entry(name, config.sources[cfgIndex]?.type ?? '').parked = v.value === 1;
  }
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Insert attempts that failed and were retried (`flowlens_insert_errors_total{kind="transient"}`). */
export async function readInsertRetries(metrics: Metrics): Promise<number> {
  const values = (await metrics.insertErrorsTotal.get()).values;
  return values.filter((v) => v.labels.kind === 'transient').reduce((s, v) => s + v.value, 0);
}
