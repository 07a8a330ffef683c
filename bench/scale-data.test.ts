import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, rows, type TestDb } from '../test/harness/chdb.js';
import { daySlices, generateFlows, settleMerges } from './scale-data.js';

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

  it('stores each flow 1–3 minutes after its time, as a tailing ingest does, whatever order the days were written in', async () => {
    const [r] = await rows<Record<string, number>>(
      db,
      "SELECT min(dateDiff('millisecond', time, ingested_at)) AS lo, max(dateDiff('millisecond', time, ingested_at)) AS hi, " +
        'countIf(ingested_at > (SELECT max(time) FROM flows) + INTERVAL 3 MINUTE) AS late FROM flows',
    );
    expect(Number(r!.lo)).toBeGreaterThanOrEqual(60_000);
    expect(Number(r!.hi)).toBeLessThan(180_000);
    expect(Number(r!.late)).toBe(0);
  });

  it('leaves the session as it was (deduplication on again after the seed)', async () => {
    const [r] = await rows<{ d: boolean; o: boolean }>(
      db,
      "SELECT getSetting('insert_deduplicate') AS d, getSetting('optimize_on_insert') AS o",
    );
    expect(r).toEqual({ d: true, o: true });
    expect(await settleMerges(db, 100, 60_000)).toBeGreaterThan(0);
  });
});

describe('daySlices', () => {
  const day = 86_400_000;
  const at = (startMs: number, stepMs: number, n: number) => Math.trunc(startMs + n * stepMs);

  it('cuts at every UTC day and at the row limit, covering every row once', () => {
    // 1000 rows over 2.5 days starting at 06:00, a step that is not a whole number of ms.
    const startMs = Date.parse('2026-03-01T06:00:00Z');
    const stepMs = (2.5 * day) / 1000;
    const slices = daySlices({ startMs, stepMs, at: 0, end: 1000, max: 300 });
    expect(slices.reduce((n, s) => n + s.count, 0)).toBe(1000);
    for (const [i, s] of slices.entries()) {
      expect(s.at).toBe(i === 0 ? 0 : slices[i - 1]!.at + slices[i - 1]!.count);
      expect(s.count).toBeLessThanOrEqual(300);
      const firstDay = Math.floor(at(startMs, stepMs, s.at) / day);
      expect(Math.floor(at(startMs, stepMs, s.at + s.count - 1) / day)).toBe(firstDay);
    }
    // Three days touched, so at least three slices; the limit adds more.
    expect(slices.length).toBeGreaterThanOrEqual(4);
  });
});
