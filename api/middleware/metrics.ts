import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * Request counters by route pattern (never the raw path, which would explode label cardinality).
 * Registered once per registry, so two apps on one registry share them.
 */
export function requestMetrics(registry: Registry): MiddlewareHandler {
  const requests =
    (registry.getSingleMetric('flowlens_api_requests_total') as Counter<'route' | 'status'> | undefined) ??
    new Counter({
      name: 'flowlens_api_requests_total',
      help: 'API requests by route pattern and status',
      labelNames: ['route', 'status'],
      registers: [registry],
    });
  const seconds =
    (registry.getSingleMetric('flowlens_api_request_seconds') as Histogram<'route'> | undefined) ??
    new Histogram({
      name: 'flowlens_api_request_seconds',
      help: 'API request duration by route pattern',
      labelNames: ['route'],
      buckets: [0.01, 0.05, 0.1, 0.3, 1, 3, 10],
      registers: [registry],
    });
  return async (c, next) => {
    const t0 = performance.now();
    await next();
    const route = safeRoute(c);
    requests.inc({ route, status: String(c.res.status) });
    seconds.observe({ route }, (performance.now() - t0) / 1000);
  };
}

function safeRoute(c: Parameters<MiddlewareHandler>[0]): string {
  try {
    const p = routePath(c, -1);
    return p === '/*' || p === '*' ? 'other' : p;
  } catch {
    return 'other';
  }
}
