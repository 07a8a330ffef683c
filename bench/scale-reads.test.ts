import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { query } from '../core/clickhouse/query.js';
import { openTestDb, type TestDb } from '../test/harness/chdb.js';
import { type ReadMeter, readMeter } from './scale-reads.js';

/**
 * The scale bench's read counters (bench/scale-reads.ts): the rows the engine read, not the rows it
 * returned, subqueries included, and key pruning visible in them. Runs in both database modes.
 */
let db: TestDb;
let meter: ReadMeter;
const ROWS = 200_000;
const GRANULE = 8192;
/** `system.events` is itself a table read around the work; its row count moves as new events occur. */
const SLACK = 200;

beforeAll(async () => {
  db = await openTestDb();
  await db.client.command({
    query: 'CREATE TABLE reads_probe (k UInt64, v UInt64) ENGINE = MergeTree ORDER BY k',
  });
  await db.client.command({
    query: `INSERT INTO reads_probe SELECT number, number % 7 FROM numbers(${ROWS})`,
  });
  await db.client.command({ query: 'OPTIMIZE TABLE reads_probe FINAL' });
  meter = await readMeter(db.client);
});
afterAll(() => db.close());

const ANY = z.record(z.string(), z.unknown());
const select = (sql: string, params: Record<string, unknown> = {}) =>
  query(db.client, { sql, params, row: ANY });
const read = async (sql: string, params: Record<string, unknown> = {}) =>
  (await meter.measure(() => select(sql, params))).reads;

describe('readMeter', () => {
  it('counts the rows a full scan reads, though it returns one row', async () => {
    const r = await read('SELECT count() AS n, sum(v) AS s FROM reads_probe WHERE v >= 0');
    expect(r.rows).toBeGreaterThanOrEqual(ROWS - SLACK);
    expect(r.rows).toBeLessThanOrEqual(ROWS + SLACK);
    expect(r.bytes).toBeGreaterThanOrEqual(ROWS * 8);
  });

  it('shows the sorting key pruning granules', async () => {
    const r = await read('SELECT count() AS n FROM reads_probe WHERE k < {k:UInt64} AND v >= 0', { k: 100 });
    expect(r.rows).toBeGreaterThan(0);
    expect(r.rows).toBeLessThanOrEqual(GRANULE + SLACK);
  });

  it('adds the rows an IN subquery reads, and sums every query of the work', async () => {
    const sub = await read(
      'SELECT count() AS n FROM reads_probe WHERE k < 100 AND v IN (SELECT v FROM reads_probe WHERE k >= {lo:UInt64})',
      { lo: ROWS - 50_000 },
    );
    expect(sub.rows).toBeGreaterThanOrEqual(50_000);
    expect(sub.rows).toBeLessThanOrEqual(50_000 + 2 * GRANULE + SLACK);
    const { value, reads } = await meter.measure(async () => {
      await select('SELECT count() AS n FROM reads_probe WHERE v >= 0');
      return select('SELECT max(v) AS m FROM reads_probe');
    });
    expect(value).toEqual([{ m: 6 }]);
    expect(reads.rows).toBeGreaterThanOrEqual(2 * ROWS - SLACK);
    expect(reads.rows).toBeLessThanOrEqual(2 * ROWS + SLACK);
  });
});
