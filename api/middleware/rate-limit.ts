import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';

/**
 * Fixed one-minute window per caller (client address). In memory: one process serves the API in
 * the embedded mode; behind a load balancer, rate-limit at the proxy as well.
 */
export function rateLimit(opts: {
  perMinute: number;
  clientKey: (c: Parameters<MiddlewareHandler>[0]) => string;
  clock?: () => number;
}): MiddlewareHandler {
  const clock = opts.clock ?? Date.now;
  const windows = new Map<string, { start: number; count: number }>();
  return async (c, next) => {
    const now = clock();
    const key = opts.clientKey(c);
    let w = windows.get(key);
    if (!w || now - w.start >= 60_000) {
      if (windows.size > 10_000) prune(windows, now);
      w = { start: now, count: 0 };
      windows.set(key, w);
    }
    w.count++;
    if (w.count > opts.perMinute) {
      c.header('Retry-After', String(Math.ceil((w.start + 60_000 - now) / 1000)));
      throw new ApiError(429, 'rate_limited', 'too many requests; slow down');
    }
    return next();
  };
}

function prune(windows: Map<string, { start: number }>, now: number): void {
  for (const [k, w] of windows) if (now - w.start >= 60_000) windows.delete(k);
}
