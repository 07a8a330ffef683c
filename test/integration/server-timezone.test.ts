import { createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDb } from '../../core/clickhouse/client.js';
import { type ClickHouseDouble, spawnClickHouseDouble } from '../harness/clickhouse-server/process.js';

/**
 * A server in another time zone (the HTTP test double, chDB behind ClickHouse's HTTP interface, started
 * with TZ=Asia/Kolkata): flowlens sends UTC text without a zone, so its sessions must say UTC
 * (`session_timezone`, core/clickhouse/client.ts) or every window shifts by the server's offset.
 * What the double cannot prove: a server whose zone comes from its `<timezone>` config rather than TZ.
 */
describe('time parameters on a server in another zone', () => {
  let server: ClickHouseDouble;
  let db: Db;
  beforeAll(async () => {
    server = await spawnClickHouseDouble({ env: { TZ: 'Asia/Kolkata' } });
    db = openDb({ kind: 'server', url: server.url });
  });
  afterAll(async () => {
    await db?.close();
    await server?.stop();
  });

  const sql = 'SELECT timezone() AS tz, toUnixTimestamp64Milli({t:DateTime64(3)}) AS ms';
  const params = { t: '2024-08-19 18:00:01.250' };

  it('the server itself is not in UTC (precondition)', async () => {
    const bare = createClient({ url: server.url });
    try {
      const rs = await bare.query({ query: sql, query_params: params, format: 'JSONEachRow' });
      const [row] = await rs.json<{ tz: string; ms: string | number }>();
      expect(row?.tz).toBe('Asia/Kolkata');
      expect(Number(row?.ms)).toBe(Date.UTC(2024, 7, 19, 18, 0, 1, 250) - 5.5 * 3_600_000);
    } finally {
      await bare.close();
    }
  });

  it("flowlens's sessions read zone-less times as UTC", async () => {
    const rs = await db.client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
    const [row] = await rs.json<{ tz: string; ms: string | number }>();
    expect(row?.tz).toBe('UTC');
    expect(Number(row?.ms)).toBe(Date.UTC(2024, 7, 19, 18, 0, 1, 250));
  });
});
