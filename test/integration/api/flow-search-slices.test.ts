import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFilter } from '../../../api/filter/parse.js';
import { decodeCursor } from '../../../api/routes/flows/cursor.js';
import { type FlowQuery, searchFlows } from '../../../api/routes/flows/queries.js';
import { PAGE_SLICING, pageSlices, type Slicing } from '../../../core/clickhouse/time.js';
import { generateFlows, type SeedFlow, seedFlows } from '../../harness/api-seed.js';
import { openTestDb, type TestDb } from '../../harness/chdb.js';

/**
 * Flow search reads a page in time slices from its newest (or oldest) end and stops when the page
 * is full (api/routes/flows/queries.ts). Differential test: paging through a window with any
 * slicing gives exactly the pages, rows and cursors of one query over the whole window (the
 * reading before slices), in both orders, with and without filters, with rows tied on the same
 * instant across page and slice boundaries.
 */
let db: TestDb;
const START = new Date('2026-01-10T00:17:23.000Z');
const HOUR = 3_600_000;

/** Five rows at one instant, on an hour boundary (a slice edge) and one off it. */
const ties = (time: string, offset: number): SeedFlow[] =>
  Array.from({ length: 5 }, (_, i) => ({
    time,
    nsg: 'nsg-web',
    rule: 'UserRule_AllowRdp',
    src_ip: '198.51.100.7',
    dst_ip: '10.0.1.4',
    dst_port: 3389,
    direction: 'inbound' as const,
    action: 'allow' as const,
    source: `file:/tie/${offset + (i % 2)}.json`,
    bytes_sent: offset + i,
  }));

beforeAll(async () => {
  db = await openTestDb();
  await generateFlows(db, { count: 4_000, from: START, spanMs: 3 * 86400e3 });
  await seedFlows(db, ties('2026-01-12 22:00:00.000', 0), 1000);
  await seedFlows(db, ties('2026-01-12 21:59:59.999', 10), 2000);
  await seedFlows(db, ties('2026-01-11 07:12:00.250', 20), 3000);
});
afterAll(async () => db.close());

/** Every page of a search, as `[row keys…, next cursor]`, following the cursors. */
async function allPages(q: FlowQuery & { limit: number }, slicing: Slicing): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const page = await searchFlows(
      db,
      { ...q, ...(cursor ? { cursor: decodeCursor(cursor) } : {}) },
      slicing,
    );
    pages.push([
      ...page.rows.map((r) => `${r.time}|${r.source}|${r.record_offset}|${r.bytes_sent}`),
      `${page.nextCursor}`,
    ]);
    cursor = page.nextCursor;
  } while (cursor !== null && pages.length < 500);
  return pages;
}

const WINDOW = { from: new Date('2026-01-10T03:41:10.500Z'), to: new Date('2026-01-13T00:00:00Z') };
const ONE_QUERY: Slicing = { firstMs: 10 * 86400e3, growth: 2 };
const CASES: [string, string, number][] = [
  ['all rows', '', 400],
  ['exposed management ports', 'dst_port IN (22, 3389) AND action = allow', 7],
  ['nothing matches', 'dst_port = 8443 AND action = deny', 10],
];

describe('flow search in slices', () => {
  for (const order of ['desc', 'asc'] as const) {
    it.each(CASES)(`pages as one query does, ${order}: %s`, async (_, text, limit) => {
      const q = { window: WINDOW, filter: text ? parseFilter(text) : null, order, limit };
      const reference = await allPages(q, ONE_QUERY);
      const rows = reference.flat().filter((k) => k.includes('|')).length;
      if (text.includes('8443')) expect(rows).toBe(0);
      else expect(reference.length).toBeGreaterThan(3);
      for (const slicing of [PAGE_SLICING, { firstMs: 60_000, growth: 3 }, { firstMs: HOUR, growth: 1 }]) {
        expect(await allPages(q, slicing), JSON.stringify(slicing)).toEqual(reference);
      }
    });
  }

  it('stops at the first slice that fills the page: one query for a 30-day window', async () => {
    let queries = 0;
    const client = new Proxy(db.client, {
      get: (target, prop, receiver) =>
        prop === 'query'
          ? (...args: Parameters<typeof target.query>) => {
              queries++;
              return target.query(...args);
            }
          : Reflect.get(target, prop, receiver),
    });
    const to = new Date('2026-01-12T22:00:00.001Z');
    const q = {
      window: { from: new Date(to.getTime() - 30 * 86400e3), to },
      filter: null,
      order: 'desc' as const,
      limit: 3,
    };
    const page = await searchFlows({ ...db, client }, q);
    expect(page.rows.map((r) => r.time)).toEqual(Array(3).fill('2026-01-12T22:00:00.000Z'));
    expect(page.nextCursor).not.toBeNull();
    expect(queries).toBe(1);
    // Oldest first, the slices walk up from 30 days back, growing, until they reach the data.
    queries = 0;
    const asc = await searchFlows({ ...db, client }, { ...q, order: 'asc' });
    expect(asc.rows).toHaveLength(3);
    expect(queries).toBeGreaterThan(1);
  });
});

describe('pageSlices', () => {
  it('covers the span without gaps, from the page start, each slice growing', () => {
    const s = { firstMs: 10, growth: 4 };
    expect(pageSlices(0, 100, 'desc', s)).toEqual([
      [90, 100],
      [50, 90],
      [0, 50],
    ]);
    expect(pageSlices(0, 100, 'asc', s)).toEqual([
      [0, 10],
      [10, 50],
      [50, 100],
    ]);
    expect(pageSlices(5, 5, 'desc', s)).toEqual([]);
  });
});
