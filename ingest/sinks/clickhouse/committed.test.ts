import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, selectedRows, type TestDb } from '../../../test/harness/chdb.js';
import { countBySource, countInScope } from './committed.js';

/**
 * The sink counts a block's scope in `flows` before and after every insert. Those counts must read
 * the scope's few granules, not the day partition the block lands in: a busy estate stores millions
 * of flows a day, and every insert pays two counts. Rows selected are the engine's own counter
 * (`system.events`), so this holds on a loaded machine too.
 */
const DAY = Date.UTC(2024, 2, 1); // any stored day: nothing here depends on today
const PER_DAY = 288_000; // 1,000 flows in every 5-minute bucket of the day
const MINUTE = 60_000;

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
  // A day of other sources' flows, then the block under test: 600 flows over two minutes at 14:00.
  await db.client.command({
    query:
      'INSERT INTO flows (time, record_time, source, record_offset, tuple_index) ' +
      "SELECT t, t, concat('blob:nic-', toString(number % 97)), number, 0 FROM (SELECT number, " +
      "fromUnixTimestamp64Milli(toInt64({day:Int64} + intDiv(number * 86400000, {n:UInt64})), 'UTC') AS t " +
      'FROM numbers({n:UInt64}))',
    query_params: { day: DAY, n: PER_DAY },
  });
  await db.client.command({
    query:
      'INSERT INTO flows (time, record_time, source, record_offset, tuple_index) ' +
      "SELECT t, t, 'blob:under-test', 1000 + number, 0 FROM (SELECT number, " +
      "fromUnixTimestamp64Milli(toInt64({from:Int64} + number * 200), 'UTC') AS t FROM numbers(600))",
    query_params: { from: DAY + 14 * 3_600_000 },
  });
});
afterAll(async () => db?.close());

const scope = {
  source: 'blob:under-test',
  fromMs: DAY + 14 * 3_600_000,
  toMs: DAY + 14 * 3_600_000 + 599 * 200, // the last flow's time: the upper bound is inclusive
  fromOffset: 1000,
  toOffset: 1599,
};

describe('committed-row counts', () => {
  it('count every row of the scope, the last millisecond included, and nothing past it', async () => {
    expect(await countInScope(db.client, scope)).toBe(600);
    expect(await countInScope(db.client, { ...scope, toMs: scope.toMs - 1 })).toBe(599);
    const bySource = await countBySource(db.client, { ...scope, sources: ['blob:under-test', 'blob:none'] });
    expect(bySource.get('blob:under-test')).toBe(600);
    expect(bySource.get('blob:none') ?? 0).toBe(0);
  });

  it('count rows with times a 32-bit bucket cannot hold (the scanner accepts them) by their time alone', async () => {
    const far = 5_000_000_000 * 1000; // year 2128
    await db.client.command({
      query:
        'INSERT INTO flows (time, record_time, source, record_offset, tuple_index) ' +
        "SELECT fromUnixTimestamp64Milli(toInt64(t), 'UTC'), now64(3), 'blob:far', 10, n " +
        'FROM (SELECT arrayJoin([({a:Int64}, 0), ({b:Int64}, 1)]) AS p, p.1 AS t, p.2 AS n)',
      query_params: { a: DAY, b: far },
    });
    const farScope = { source: 'blob:far', fromMs: DAY, toMs: far, fromOffset: 10, toOffset: 10 };
    expect(await countInScope(db.client, farScope)).toBe(2);
    expect(await countBySource(db.client, { ...farScope, sources: ['blob:far'] })).toEqual(
      new Map([['blob:far', 2]]),
    );
  });

  it('read the scope’s minutes, not the day it lands in', async () => {
    const single = await selectedRows(db, () => countInScope(db.client, scope));
    const batch = await selectedRows(db, () =>
      countBySource(db.client, { ...scope, sources: ['blob:under-test'], toMs: scope.fromMs + 2 * MINUTE }),
    );
    // The block's two minutes hold ≈ 1,000 other flows of the same 5-minute bucket; one granule is
    // 8,192 rows. Before the sorting key's bucket was bounded, each count read the whole day.
    for (const n of [single, batch]) {
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThan(PER_DAY / 10);
    }
  });
});
