import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb } from '../../test/harness/chdb.js';
import { IntelFeedSchema } from '../config/sections/enrich.js';
import { silentLogger } from '../logging.js';
import { runIntelFeeds } from './feeds.js';
import { lookupAddress } from './lookup.js';
import { datasetStatus } from './store.js';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/enrich');
let db: Awaited<ReturnType<typeof openTestDb>>;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(() => db.close());

describe('configured threat-intel feeds', { timeout: 60_000 }, () => {
  it('loads each feed at start; a failing feed is logged and does not stop the others', async () => {
    const feeds = [
      IntelFeedSchema.parse({ name: 'spamhaus_drop', location: join(FIXTURES, 'drop.txt') }),
      IntelFeedSchema.parse({ name: 'missing', location: join(FIXTURES, 'no-such-file.txt') }),
      IntelFeedSchema.parse({
        name: 'stix',
        location: 'https://intel.example/bundle.json',
        format: 'stix',
        confidence: 60,
      }),
    ];
    const controller = new AbortController();
    const fetched: string[] = [];
    const running = runIntelFeeds(db.client, feeds, {
      logger: silentLogger(),
      signal: controller.signal,
      // The URL feed is answered from the fixture: tests never reach the network.
      fetchText: async (location) => {
        fetched.push(location);
        if (location.startsWith('https://')) {
          const { readFile } = await import('node:fs/promises');
          return readFile(join(FIXTURES, 'indicators.stix.json'), 'utf8');
        }
        const { readLocation } = await import('./feeds.js');
        return readLocation(location);
      },
    });
    // The loop sleeps until the next refresh (60 min) after its first round: wait for that round, then stop it.
    const loaded = async () =>
      (await datasetStatus(db.client)).filter((d) => d.name.startsWith('intel:')).length;
    while (fetched.length < 3 || (await loaded()) < 2) await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    await running;
    const lists = (await lookupAddress(db.client, ['192.0.2.9', '203.0.113.99', '2001:db8:bad::1'])).map(
      (r) => r.threatLists,
    );
    expect(lists).toEqual([['spamhaus_drop'], ['stix'], ['stix']]);
  });
});
