import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../test/harness/chdb.js';
import { rawEdges } from './lookback.js';
import { dt, IN_WINDOW } from './sql.js';

/**
 * Raw time ranges prune granules inside a day's partition (issue 17): a condition on `time` alone
 * is matched to the sorting key's last column and reads the whole day; `rawTimeRange` also bounds
 * the key's first column. 100 000 flows over one UTC day (13 granules), a 20-minute window.
 */
let db: TestDb;
const DAY = '2026-03-01';
const ROWS = 100_000;

beforeAll(async () => {
  db = await openTestDb();
  await db.client.command({
    query:
      'INSERT INTO flows (time, record_time, src_ip, dst_ip, dst_port, direction, action, nsg) ' +
      `SELECT toDateTime64('${DAY} 00:00:00', 3, 'UTC') + toIntervalMillisecond(number * 864) AS t, t, ` +
      "toIPv6('::ffff:10.0.0.1'), toIPv6('::ffff:10.0.0.2'), 443, 'inbound', 'allow', 'nsg-a' " +
      `FROM numbers(${ROWS})`,
  });
  await db.client.command({ query: 'OPTIMIZE TABLE flows FINAL' });
});
afterAll(() => db.close());

/** Granules the primary key leaves to read, and the rows the query counts. */
async function granules(where: string, params: Record<string, string>): Promise<{ left: number; n: number }> {
  const sql = `SELECT count() AS n FROM flows WHERE ${where} AND dst_port = 443`;
  const explain = await db.client.query({
    query: `EXPLAIN indexes = 1 ${sql}`,
    query_params: params,
    format: 'TabSeparatedRaw',
  });
  const text = await explain.text();
  const pk = text.slice(text.indexOf('PrimaryKey'));
  const m = /Granules: (\d+)\/(\d+)/.exec(pk);
  const rs = await db.client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
  return { left: Number(m?.[1]), n: Number((await rs.json<{ n: number | string }>())[0]?.n) };
}

const from = new Date(`${DAY}T12:00:00Z`);
const to = new Date(`${DAY}T12:20:00Z`);
const inWindow = Math.ceil((20 * 60 * 1000) / 864);

describe('raw time ranges', () => {
  it('read only the window’s granules, and exactly its rows', async () => {
    const r = await granules(IN_WINDOW, { from: dt(from), to: dt(to) });
    expect(r.n).toBe(inWindow);
    expect(r.left).toBeLessThanOrEqual(2);
    // The bare range (what IN_WINDOW was) counts the same rows but reads every granule of the day.
    const bare = await granules("time >= {from:DateTime64(3, 'UTC')} AND time < {to:DateTime64(3, 'UTC')}", {
      from: dt(from),
      to: dt(to),
    });
    expect(bare.n).toBe(inWindow);
    expect(bare.left).toBeGreaterThan(10);
  });

  it('prune both partial hours of a look-back', async () => {
    const params = {
      base: dt(new Date(`${DAY}T03:40:00Z`)),
      firstHour: dt(new Date(`${DAY}T04:00:00Z`)),
      lastHour: dt(new Date(`${DAY}T12:00:00Z`)),
      end: dt(to),
    };
    const r = await granules(rawEdges('base', 'end'), params);
    expect(r.n).toBe(2 * inWindow);
    expect(r.left).toBeLessThanOrEqual(4);
  });
});
