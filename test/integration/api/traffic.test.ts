import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeriesResponse, TopResponse } from '../../../api/routes/traffic/routes.js';
import type { Db } from '../../../core/clickhouse/client.js';
import { type TestApi, testApi } from '../../harness/api.js';
import { SCENARIO_FLOWS } from '../../harness/api-scenario.js';
import { seedFlows } from '../../harness/api-seed.js';
import { openTestDb } from '../../harness/chdb.js';

let db: Db & { close(): Promise<void> };
let api: TestApi;
const W = 'from=2026-01-10T11:00:00Z&to=2026-01-10T12:00:00Z';

beforeAll(async () => {
  db = await openTestDb();
  await seedFlows(db, SCENARIO_FLOWS);
  api = testApi(db);
});
afterAll(async () => db.close());

async function json<T>(path: string): Promise<T> {
  const res = await api.get(path);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}

describe('traffic', () => {
  it('top talkers by bytes from the minute rollup', async () => {
    const r = await json<TopResponse>(`/api/traffic/top?${W}&dimension=local_ip&metric=bytes&limit=3`);
    expect(r.source.table).toBe('flows_1m');
    expect(r.rows.map((x) => [x.key.local_ip, x.value])).toEqual([
      ['10.0.2.10', 3_000_000 + 4000],
      ['10.0.1.4', 20_000],
      ['10.0.1.5', 0],
    ]);
  });

  it('top ports by flows with the denied share', async () => {
    const r = await json<TopResponse>(`/api/traffic/top?${W}&dimension=dst_port&metric=flows`);
    const ssh = r.rows.find((x) => x.key.dst_port === 22);
    expect(ssh).toMatchObject({ value: 6, denied: 6, key: { protocol: 6, dst_port: 22 } });
    expect(r.rows[0]?.key.dst_port).toBe(22);
  });

  it('reads the remote-address rollup for peers over whole hours, raw flows for local addresses and ports', async () => {
    const r = await json<TopResponse>(
      `/api/traffic/top?${W}&dimension=remote_ip&metric=flows&filter=${encodeURIComponent('remote_is_public = true AND direction = inbound')}`,
    );
    expect(r.source.table).toBe('flows_remote_1h');
    expect(r.rows.map((x) => [x.key.remote_ip, x.value])).toEqual([
      ['203.0.113.9', 6],
      ['198.51.100.7', 4],
    ]);
    const bySrcPort = await json<TopResponse>(
      `/api/traffic/top?${W}&dimension=remote_ip&metric=flows&filter=${encodeURIComponent('src_port > 0 AND direction = inbound AND remote_is_public = true')}`,
    );
    expect(bySrcPort.source.table).toBe('flows');
    expect(bySrcPort.rows.map((x) => [x.key.remote_ip, x.value])).toEqual(
      r.rows.map((x) => [x.key.remote_ip, x.value]),
    );
    const conv = await json<TopResponse>(`/api/traffic/top?${W}&dimension=conversation&limit=1`);
    expect(conv.source.table).toBe('flows');
    expect(conv.rows[0]?.key).toEqual({
      src_ip: '10.0.2.10',
      dst_ip: '93.184.216.34',
      protocol: 6,
      dst_port: 443,
    });
  });

  it('CIDR filters select the right rows', async () => {
    const f = encodeURIComponent('src_ip << 10.0.0.0/8 AND action = deny');
    const r = await json<TopResponse>(
      `/api/traffic/top?${W}&dimension=conversation&metric=flows&filter=${f}`,
    );
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({
      key: { src_ip: '10.0.2.10', dst_ip: '10.0.3.7', dst_port: 445 },
      value: 2,
    });
  });

  it('uses hourly rollups beyond two days', async () => {
    const r = await json<TopResponse>('/api/traffic/top?from=now-7d&to=now&dimension=nsg&metric=flows');
    expect(r.source.table).toBe('flows_1h');
    expect(Object.fromEntries(r.rows.map((x) => [x.key.nsg, x.value]))).toEqual({
      'nsg-web': 10,
      'nsg-app': 5,
      'nsg-db': 2,
    });
  });

  it('series split by action and direction, bucketed', async () => {
    const r = await json<SeriesResponse>(`/api/traffic/series?${W}&metric=flows&split=action_direction`);
    expect(r.step).toBe(60);
    const total = (action: string, direction: string) =>
      r.series.find((s) => s.key.action === action && s.key.direction === direction)?.total;
    expect(total('allow', 'inbound')).toBe(6);
    expect(total('deny', 'inbound')).toBe(8);
    expect(total('allow', 'outbound')).toBe(3);
    const rdp = r.series.find((s) => s.key.action === 'allow' && s.key.direction === 'inbound')!;
    expect(rdp.points).toHaveLength(60);
    expect(rdp.points[0]).toEqual(['2026-01-10T11:00:00.000Z', 0]);
    expect(rdp.points[1]).toEqual(['2026-01-10T11:01:00.000Z', 1]);
  });

  it('series of rule hits for one NSG', async () => {
    const f = encodeURIComponent('nsg = "nsg-web"');
    const r = await json<SeriesResponse>(`/api/traffic/series?${W}&metric=flows&split=rule_name&filter=${f}`);
    expect(r.series.map((s) => [s.key.rule_name, s.total])).toEqual([
      ['DenyAllInBound', 6],
      ['AllowRdp', 4],
    ]);
  });

  it('segmentation matrix between /24 subnets', async () => {
    const f = encodeURIComponent('remote_is_public = false');
    const r = await json<{ cells: { src: string; dst: string; allowed: number; denied: number }[] }>(
      `/api/traffic/matrix?${W}&metric=flows&prefix=24&filter=${f}`,
    );
    expect(r.cells).toEqual([
      { src: '10.0.1.0/24', dst: '10.0.2.0/24', allowed: 2, denied: 0 },
      { src: '10.0.2.0/24', dst: '10.0.3.0/24', allowed: 0, denied: 2 },
    ]);
  });

  it.each([
    ['/api/traffic/top?dimension=bogus', 'invalid_request'],
    ['/api/traffic/top?limit=0', 'invalid_request'],
    ['/api/traffic/top?from=yesterday', 'invalid_request'],
    ['/api/traffic/top?from=now&to=now-1h', 'invalid_request'],
    ['/api/traffic/series?split=src_ip', 'invalid_request'],
    ['/api/traffic/matrix?prefix=12', 'invalid_request'],
    [`/api/traffic/top?filter=${encodeURIComponent('dst_port = x')}`, 'invalid_filter'],
  ])('400 envelope for %s', async (path, code) => {
    const res = await api.get(path);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.requestId).toMatch(/.+/);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts|ClickHouse|version/);
  });
});
