import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { credentialOf } from '../auth/middleware.js';
import type { Principal } from '../auth/principal.js';
import { ApiError } from '../errors.js';

/** Fixed one-minute windows, one per bucket name. */
class Windows {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly clock: () => number,
  ) {}

  /** Counts one request; returns the seconds to wait when the bucket is over its limit. */
  charge(bucket: string): number | null {
    const now = this.clock();
    let w = this.windows.get(bucket);
    if (!w || now - w.start >= 60_000) {
      if (this.windows.size > 10_000) this.prune(now);
      w = { start: now, count: 0 };
      this.windows.set(bucket, w);
    }
    w.count++;
    return w.count > this.perMinute ? Math.ceil((w.start + 60_000 - now) / 1000) : null;
  }

  /** Seconds to wait when the bucket is already over its limit, without counting a request. */
  over(bucket: string): number | null {
    const now = this.clock();
    const w = this.windows.get(bucket);
    if (!w || now - w.start >= 60_000 || w.count < this.perMinute) return null;
    return Math.ceil((w.start + 60_000 - now) / 1000);
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= 60_000) this.windows.delete(k);
  }
}

function refuse(c: Context, retryAfter: number): never {
  c.header('Retry-After', String(retryAfter));
  throw new ApiError(429, 'rate_limited', 'too many requests; slow down');
}

/** Digests of credentials that authenticated lately (bounded; oldest forgotten first). */
class KnownGood {
  private readonly seen = new Set<string>();
  has(credential: string): boolean {
    return this.seen.has(digest(credential));
  }
  add(credential: string): void {
    const d = digest(credential);
    this.seen.delete(d);
    this.seen.add(d);
    if (this.seen.size > 1_000) this.seen.delete(this.seen.values().next().value as string);
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest('base64url');

/**
 * Per-caller rate limits in separate buckets: an authenticated caller by key id or token subject
 * (`byCaller`, after authentication), everyone else by client address (`byAddress`, before it).
 * Requests that carry a credential skip the address bucket, so anonymous floods from a shared
 * address cannot lock out a valid key; a credential that fails (401) is charged to the address and to
 * its failure bucket. Once an address's failure bucket is full, a credential from it that has not
 * authenticated lately is refused with 429 before it is checked (no key guessing, no OIDC
 * unknown-kid floods), while credentials that did authenticate lately go on.
 * In memory: one process serves the API in the embedded mode; behind a load balancer, rate-limit
 * at the proxy as well.
 */
export function rateLimits(opts: {
  perMinute: number;
  clientAddress: (c: Context) => string;
  clock?: () => number;
}): { byAddress: MiddlewareHandler; byCaller: MiddlewareHandler } {
  const windows = new Windows(opts.perMinute, opts.clock ?? Date.now);
  const good = new KnownGood();
  const byAddress: MiddlewareHandler = async (c, next) => {
    const address = opts.clientAddress(c);
    const credential = credentialOf(c.req.header('authorization'), c.req.header('x-api-key'));
    if (!credential) {
      const wait = windows.charge(`addr:${address}`);
      if (wait !== null) refuse(c, wait);
      return next();
    }
    const failures = `fail:${address}`;
    const wait = windows.over(failures);
    if (wait !== null && !good.has(credential)) refuse(c, wait);
    await next();
    if (c.res.status === 401) {
      windows.charge(`addr:${address}`);
      windows.charge(failures);
    } else {
      const kind = (c.get('principal') as Principal | undefined)?.kind;
      if (kind === 'key' || kind === 'oidc') good.add(credential);
    }
  };
  const byCaller: MiddlewareHandler = async (c, next) => {
    const principal = c.get('principal') as Principal | undefined;
    let wait: number | null = null;
    if (principal && principal.kind !== 'local') wait = windows.charge(`caller:${principal.id}`);
    else if (!principal && credentialOf(c.req.header('authorization'), c.req.header('x-api-key'))) {
      // A public route with a credential nobody checked: counts against the address.
      wait = windows.charge(`addr:${opts.clientAddress(c)}`);
    }
    if (wait !== null) refuse(c, wait);
    return next();
  };
  return { byAddress, byCaller };
}
