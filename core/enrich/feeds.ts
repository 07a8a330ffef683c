import { readFile } from 'node:fs/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import { systemClock } from '../clock.js';
import type { IntelFeed } from '../config/sections/enrich.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logging.js';
import { parseIntel } from './intel.js';
import { loadIntelList } from './load.js';

/**
 * Configured threat-intel feeds (`enrich.intel`): each is read at start and every `refreshMinutes`,
 * from a file or over HTTP(S), and replaces its list. A feed that fails to load keeps its previous
 * entries and is retried at its next refresh; it never stops the run.
 */

export type FetchText = (location: string, signal?: AbortSignal) => Promise<string>;

export const readLocation: FetchText = async (location, signal) => {
  if (!/^https?:\/\//i.test(location))
    return readFile(location, { encoding: 'utf8', ...(signal ? { signal } : {}) });
  const res = await fetch(location, {
    ...(signal ? { signal } : {}),
    headers: { accept: 'text/plain, text/csv, application/json' },
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.text();
};

export async function refreshFeed(
  client: ClickHouseClient,
  feed: IntelFeed,
  deps: { now: () => Date; fetchText?: FetchText; signal?: AbortSignal },
): Promise<{ prefixes: number; rejected: number }> {
  const text = await (deps.fetchText ?? readLocation)(feed.location, deps.signal);
  const parsed = parseIntel(text, feed.format, feed.column);
  const r = await loadIntelList(
    client,
    { name: feed.name, prefixes: parsed.prefixes, confidence: feed.confidence },
    { source: feed.location, now: deps.now() },
  );
  return { prefixes: r.prefixes, rejected: parsed.rejected.length };
}

/** Refreshes every feed when due until `signal` aborts. */
export async function runIntelFeeds(
  client: ClickHouseClient,
  feeds: readonly IntelFeed[],
  deps: { logger: Logger; signal: AbortSignal; now?: () => Date; fetchText?: FetchText },
): Promise<void> {
  const now = deps.now ?? systemClock;
  const due = new Map(feeds.map((f) => [f.name, 0]));
  while (!deps.signal.aborted && feeds.length > 0) {
    for (const feed of feeds) {
      if (deps.signal.aborted || (due.get(feed.name) ?? 0) > now().getTime()) continue;
      due.set(feed.name, now().getTime() + feed.refreshMinutes * 60_000);
      try {
        const r = await refreshFeed(client, feed, {
          now,
          signal: deps.signal,
          ...(deps.fetchText ? { fetchText: deps.fetchText } : {}),
        });
        deps.logger.info({ feed: feed.name, ...r }, 'threat-intel feed loaded');
      } catch (err) {
        if (!deps.signal.aborted)
          deps.logger.warn(
            { feed: feed.name, err: errorMessage(err) },
            'threat-intel feed failed; keeping the previous list',
          );
      }
    }
    const next = Math.min(...due.values()) - now().getTime();
    await sleep(Math.max(1000, next), deps.signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
