import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openTestDb, type TestDb } from '../../test/harness/chdb.js';
import { chIsoTime, chNumber, count, query, queryOne, RowShapeError } from './query.js';
import { chTime, isoTime, timeMs } from './time.js';

describe('checked reads on a real ClickHouse', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb();
    await db.client.insert({
      table: 'flows',
      format: 'JSONEachRow',
      values: [
        { time: '2024-08-19 18:00:01.250', dst_port: 22, direction: 'inbound', action: 'allow', nsg: 'a' },
        { time: '2024-08-19 18:05:00.000', dst_port: 443, direction: 'inbound', action: 'deny', nsg: 'b' },
      ],
    });
  });
  afterAll(async () => db?.close());

  it('returns typed rows: 64-bit counts as numbers, DateTime64 as ISO-8601', async () => {
    const rows = await query(db.client, {
      sql: 'SELECT nsg, count() AS n, max(time) AS last FROM flows WHERE dst_port >= {p:UInt16} GROUP BY nsg ORDER BY nsg',
      params: { p: 1 },
      row: z.object({ nsg: z.string(), n: chNumber, last: chIsoTime }),
    });
    expect(rows).toEqual([
      { nsg: 'a', n: 1, last: '2024-08-19T18:00:01.250Z' },
      { nsg: 'b', n: 1, last: '2024-08-19T18:05:00.000Z' },
    ]);
  });

  it('reads a quoted 64-bit integer and a Decimal as numbers', async () => {
    const row = await queryOne(db.client, {
      sql: 'SELECT toString(toUInt64(9007199254740991)) AS big, toDecimal64(12.5, 2) AS d',
      row: z.object({ big: chNumber, d: chNumber }),
    });
    expect(row).toEqual({ big: 9007199254740991, d: 12.5 });
  });

  it('names the query, the row and the field when a row does not match', async () => {
    const read = query(db.client, {
      name: 'flows by nsg',
      sql: "SELECT nsg, if(nsg = 'b', 'x', toString(dst_port)) AS port FROM flows ORDER BY nsg",
      row: z.object({ nsg: z.string(), port: chNumber }),
    });
    await expect(read).rejects.toBeInstanceOf(RowShapeError);
    await expect(read).rejects.toThrow(/query "flows by nsg": row 1, field "port": .*\(got "x"\)/);
  });

  it('names a missing column and, unnamed, the start of the SQL', async () => {
    const read = query(db.client, {
      sql: 'SELECT nsg AS renamed FROM flows',
      row: z.object({ nsg: z.string() }),
    });
    await expect(read).rejects.toThrow(
      /query "SELECT nsg AS renamed FROM flows": row 0, field "nsg": .*got nothing/,
    );
  });

  it('refuses text that is not a time', async () => {
    const read = query(db.client, { sql: "SELECT 'soon' AS t", row: z.object({ t: chIsoTime }) });
    await expect(read).rejects.toThrow(/field "t": not a ClickHouse time/);
  });

  it('counts, and gives the first row or undefined', async () => {
    expect(await count(db.client, 'SELECT count() AS n FROM flows WHERE nsg = {n:String}', { n: 'a' })).toBe(
      1,
    );
    expect(await count(db.client, 'SELECT count() AS n FROM flows GROUP BY nsg HAVING n > 5')).toBe(0);
    const none = await queryOne(db.client, {
      sql: 'SELECT nsg FROM flows WHERE 0',
      row: z.object({ nsg: z.string() }),
    });
    expect(none).toBeUndefined();
  });

  it('passes per-read settings', async () => {
    const row = await queryOne(db.client, {
      sql: "SELECT getSetting('max_execution_time') AS s",
      settings: { max_execution_time: 37 },
      row: z.object({ s: chNumber }),
    });
    expect(row?.s).toBe(37);
  });

  it('round-trips a parameter time through chTime and isoTime', async () => {
    const at = new Date(Date.UTC(2031, 4, 6, 7, 8, 9, 123));
    const row = await queryOne(db.client, {
      sql: "SELECT {t:DateTime64(3, 'UTC')} AS t",
      params: { t: chTime(at) },
      row: z.object({ t: z.string() }),
    });
    expect(isoTime(row!.t)).toBe(at.toISOString());
  });
});

describe('time text', () => {
  it('writes the DateTime64(3) parameter form from a Date, ISO text or ms', () => {
    const iso = '2024-08-19T18:00:01.250Z';
    expect(chTime(new Date(iso))).toBe('2024-08-19 18:00:01.250');
    expect(chTime(iso)).toBe('2024-08-19 18:00:01.250');
    expect(chTime(Date.parse(iso))).toBe('2024-08-19 18:00:01.250');
  });

  it('reads DateTime, DateTime64 (any precision), Date and ISO text as UTC', () => {
    expect(isoTime('2024-08-19 18:00:01')).toBe('2024-08-19T18:00:01.000Z');
    expect(isoTime('2024-08-19 18:00:01.25')).toBe('2024-08-19T18:00:01.250Z');
    expect(isoTime('2024-08-19 18:00:01.250123')).toBe('2024-08-19T18:00:01.250Z');
    expect(isoTime('2024-08-19')).toBe('2024-08-19T00:00:00.000Z');
    expect(isoTime('2024-08-19T20:00:01.250+02:00')).toBe('2024-08-19T18:00:01.250Z');
  });

  it('refuses text that is not a time', () => {
    expect(timeMs('')).toBeNaN();
    expect(timeMs('1724090401')).toBeNaN();
    expect(() => isoTime('yesterday')).toThrow(/not a ClickHouse time: "yesterday"/);
  });
});
