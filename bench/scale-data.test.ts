import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, rows, type TestDb } from '../test/harness/chdb.js';
import { generateFlows } from './scale-data.js';

/** The scale bench's SQL generator: the rows, time range and shape it promises. */
let db: TestDb;
const from = new Date('2026-03-01T00:00:00Z');
const to = new Date('2026-03-04T00:00:00Z');

beforeAll(async () => {
  db = await openTestDb();
  // Two generations at one rate, the older one written second (as the bench fills history).
  await generateFlows(db, {
    rows: 6000,
    from: new Date('2026-03-02T00:00:00Z'),
    to,
    hosts: 20,
    first: 3000,
    chunk: 2500,
  });
  await generateFlows(db, { rows: 3000, from, to: new Date('2026-03-02T00:00:00Z'), hosts: 20, first: 0 });
});
afterAll(() => db.close());

describe('generateFlows', () => {
  it('writes every row once over [from, to) with the promised shape', async () => {
    const [r] = await rows<Record<string, number | string>>(
      db,
      'SELECT count() AS n, uniqExact(record_offset) AS offsets, toString(min(time)) AS lo, toString(max(time)) AS hi, ' +
        "uniqExact(if(direction = 'inbound', dst_ip, src_ip)) AS hosts, avg(remote_is_public) AS publicShare, " +
        "countIf(action = 'deny' AND NOT (direction = 'inbound' AND remote_is_public)) AS oddDenies, " +
        'countIf(dst_port = 443) / count() AS https FROM flows',
    );
    expect(r).toMatchObject({
      n: 9000,
      offsets: 9000,
      lo: '2026-03-01 00:00:00.000',
      hosts: 20,
      oddDenies: 0,
    });
    expect(String(r!.hi) < '2026-03-04 00:00:00.000').toBe(true);
    expect(Number(r!.publicShare)).toBeGreaterThan(0.6);
    expect(Number(r!.publicShare)).toBeLessThan(0.8);
    expect(Number(r!.https)).toBeGreaterThan(0.2);
    const [m] = await rows<{ n: number }>(db, 'SELECT sum(flows) AS n FROM flows_1m');
    expect(Number(m!.n)).toBe(9000);
  });
});
