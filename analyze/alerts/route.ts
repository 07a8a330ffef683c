import type { Route } from '../../core/config/sections/alerts.js';
import type { Finding } from '../../core/finding.js';
import { atLeast } from '../severity.js';

/** Channel names a finding goes to: the union over matching routes. No routes = everything ≥ medium to all. */
export function routeFinding(f: Finding, routes: readonly Route[], channels: readonly string[]): string[] {
  const effective: Route[] = routes.length
    ? [...routes]
    : [{ categories: [], minSeverity: 'medium', channels: [] }];
  const out = new Set<string>();
  for (const r of effective) {
    if (r.categories.length && !r.categories.includes(f.category)) continue;
    if (!atLeast(f.severity, r.minSeverity)) continue;
    for (const c of r.channels.length ? r.channels : channels) out.add(c);
  }
  return channels.filter((c) => out.has(c));
}

/** Fixed-window limiter per channel: at most `max` sends per minute. */
export function rateLimiter(max: number): (channel: string, now: number) => boolean {
  const windows = new Map<string, { start: number; count: number }>();
  return (channel, now) => {
    const w = windows.get(channel);
    if (!w || now - w.start >= 60_000) {
      windows.set(channel, { start: now, count: 1 });
      return true;
    }
    if (w.count >= max) return false;
    w.count++;
    return true;
  };
}
