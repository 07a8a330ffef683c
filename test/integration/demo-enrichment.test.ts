import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoEnrichment } from '../../cli/commands/demo.js';
import { loadServiceTags } from '../../core/enrich/load.js';
import { SERVICE_TAGS } from '../../core/enrich/tables.js';
import { openTestDb, rows, type TestDb } from '../harness/chdb.js';

/**
 * What `flowlens demo` loads into the database it runs on (real chDB): its service-tag slice and
 * threat list on a database of its own, but never over service tags someone imported there.
 */
const datasets = (db: TestDb) =>
  rows<{ name: string; source: string }>(
    db,
    "SELECT name, source FROM enrich_datasets FINAL WHERE name = {tags:String} OR name = 'intel:demo-blocklist' ORDER BY name",
    { tags: SERVICE_TAGS.name },
  );

describe('demo enrichment', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db.close());

  it('loads its slice and list on a database without service tags, and again over its own', async () => {
    const now = new Date('2021-05-01T00:00:00Z');
    await loadDemoEnrichment(db.client, now);
    await loadDemoEnrichment(db.client, now);
    expect(await datasets(db)).toEqual([
      { name: 'intel:demo-blocklist', source: 'demo' },
      { name: SERVICE_TAGS.name, source: 'demo' },
    ]);
  });

  it('keeps service tags someone imported: the two-tag slice never replaces a real download', async () => {
    const now = new Date('2021-05-02T00:00:00Z');
    const imported = {
      changeNumber: 7,
      cloud: 'Public',
      values: [{ name: 'Sql.EastUS', id: 'Sql.EastUS', properties: { addressPrefixes: ['40.79.152.0/21'] } }],
    };
    await loadServiceTags(db.client, imported, { source: 'ServiceTags_Public_20210426.json', now });
    await loadDemoEnrichment(db.client, now);
    expect(await datasets(db)).toEqual([
      { name: 'intel:demo-blocklist', source: 'demo' },
      { name: SERVICE_TAGS.name, source: 'ServiceTags_Public_20210426.json' },
    ]);
  });
});
