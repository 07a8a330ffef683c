import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * Analysis and alerting counters, registered on the process registry the CLI creates (no global).
 * Names follow Prometheus conventions (`*_total`, `*_seconds`).
 */
export interface AnalysisMetrics {
  analyzerSeconds: Histogram<'analyzer'>;
  analyzerErrorsTotal: Counter<'analyzer'>;
  findingsTotal: Counter<'category' | 'severity'>;
  alertsTotal: Counter<'channel' | 'outcome'>;
}

export function createAnalysisMetrics(registry: Registry): AnalysisMetrics {
  const registers = [registry];
  // A second loop in the same process (tests, demo restarts) reuses the registered metrics.
  const existing = registry.getSingleMetric('flowlens_analyzer_seconds');
  if (existing) {
    return {
      analyzerSeconds: existing as Histogram<'analyzer'>,
      analyzerErrorsTotal: registry.getSingleMetric('flowlens_analyzer_errors_total') as Counter<'analyzer'>,
      findingsTotal: registry.getSingleMetric('flowlens_findings_notified_total') as Counter<
        'category' | 'severity'
      >,
      alertsTotal: registry.getSingleMetric('flowlens_alerts_total') as Counter<'channel' | 'outcome'>,
    };
  }
  return {
    analyzerSeconds: new Histogram({
      name: 'flowlens_analyzer_seconds',
      help: 'Duration of one analyzer run (query + detect)',
      labelNames: ['analyzer'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    analyzerErrorsTotal: new Counter({
      name: 'flowlens_analyzer_errors_total',
      help: 'Analyzer runs that failed',
      labelNames: ['analyzer'],
      registers,
    }),
    findingsTotal: new Counter({
      name: 'flowlens_findings_notified_total',
      help: 'Findings that were new, had new activity, escalated or reopened (alert candidates)',
      labelNames: ['category', 'severity'],
      registers,
    }),
    alertsTotal: new Counter({
      name: 'flowlens_alerts_total',
      help: 'Alert deliveries by outcome: sent, deduplicated, rate-limited, failed',
      labelNames: ['channel', 'outcome'],
      registers,
    }),
  };
}
