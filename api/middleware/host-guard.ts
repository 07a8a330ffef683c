import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';
import { isLoopback } from '../loopback.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Splits `name[:port]` (IPv6 in brackets) into a lower-case host name and port. */
export function splitHost(host: string): { hostname: string; port: string } {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(host.trim().toLowerCase());
  return { hostname: m?.[1] ?? '', port: m?.[2] ?? '' };
}

/**
 * Host and Origin allow-lists against DNS rebinding and cross-site requests.
 * - Host: in local mode (no credentials) only loopback names are served; `api.allowedHosts` adds
 *   more and, when set, applies in every mode. Entries are `name` (any port) or `name:port`.
 * - Origin: a state-changing request (not GET/HEAD/OPTIONS) whose `Origin` is neither the request's
 *   own host nor an allowed host is refused, in every mode (`Origin: null` included).
 * Liveness and readiness stay open to any Host: orchestrators probe them by pod address.
 * @see https://developer.mozilla.org/docs/Web/Security/Attacks/DNS_rebinding
 */
export function hostGuard(opts: {
  allowedHosts: readonly string[];
  localMode: () => Promise<boolean>;
}): MiddlewareHandler {
  const allowed = opts.allowedHosts.map((h) => splitHost(h));
  const listed = (host: { hostname: string; port: string }) =>
    isLoopback(host.hostname) ||
    allowed.some((a) => a.hostname === host.hostname && (!a.port || a.port === host.port));
  return async (c, next) => {
    if (c.req.path === '/healthz' || c.req.path === '/readyz') return next();
    const host = splitHost(c.req.header('host') ?? new URL(c.req.url).host);
    if ((allowed.length > 0 || (await opts.localMode())) && !listed(host)) {
      throw new ApiError(403, 'forbidden', 'this Host is not served; add it to api.allowedHosts');
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && !SAFE_METHODS.has(c.req.method) && !sameOrAllowed(origin, host, listed)) {
      throw new ApiError(403, 'forbidden', 'cross-origin request refused');
    }
    return next();
  };
}

function sameOrAllowed(
  origin: string,
  host: { hostname: string; port: string },
  listed: (h: { hostname: string; port: string }) => boolean,
): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // `null` (sandboxed frames, file:) and garbage
  }
  const o = splitHost(url.host);
  const port = o.port || (url.protocol === 'https:' ? '443' : '80');
  const hostPort = host.port || port;
  if (o.hostname === host.hostname && port === hostPort) return true;
  // Another listed origin (say a reverse proxy name) may write only if it is not loopback-by-default.
  return !isLoopback(o.hostname) && listed({ hostname: o.hostname, port: o.port });
}
