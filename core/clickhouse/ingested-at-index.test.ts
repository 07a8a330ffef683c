import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newDataRange } from '../../analyze/loop.js';
import { openTestDb, type TestDb } from '../../test/harness/chdb.js';
import { at, insertFlows } from '../../test/harness/flow-rows.js';

/**
 * Migration 0003: the tick's "what arrived since" query is answered from the newest parts only
 * (the ingested_at minmax index skips the granules of earlier inserts), and gives the same range.
 */
let db: TestDb;
const T0 = '2026-03-01T10:00:00Z';

beforeAll(async () => {
  db = await openTestDb();
  const batch = (base: number) =>
    Array.from({ length: 50 }, (_, i) => ({
      time: at(T0, base + i),
      src_ip: '10.0.0.1',
      dst_ip: '10.0.0.2',
    }));
  await insertFlows(db, batch(0));
  await new Promise((r) => setTimeout(r, 50)); // two distinct arrival times
  await insertFlows(db, batch(3600));
});
afterAll(() => db.close());

describe('flows.ingested_at minmax index', () => {
  it('skips parts ingested before the tick and still finds the newest rows', async () => {
    const rs = await db.client.query({
      query: 'SELECT max(ingested_at) AS ing FROM flows',
      format: 'JSONEachRow',
    });
    const ing = (await rs.json<{ ing: string }>())[0]?.ing ?? '';
    const newest = Date.parse(`${ing.replace(' ', 'T')}Z`);
    const explain = await db.client.query({
      query:
        "EXPLAIN indexes = 1 SELECT count() FROM flows PREWHERE ingested_at > {since:DateTime64(3, 'UTC')}",
      query_params: { since: ing },
      format: 'TabSeparatedRaw',
    });
    const text = await explain.text();
    const skip = text.slice(text.indexOf('ingested_at_minmax'));
    expect(skip).toMatch(/Granules: 0\/\d+/);
    const range = await newDataRange(db, newest - 1);
    expect(range?.window.from.toISOString()).toBe(new Date(at(T0, 3600)).toISOString());
    expect(range?.window.to.toISOString()).toBe(new Date(Date.parse(at(T0, 3649)) + 1).toISOString());
  });
});
