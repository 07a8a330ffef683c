import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowLogSources, IngestHealthResponse } from '../../../api/routes/ingest/health.js';
import type { Db } from '../../../core/clickhouse/client.js';
import { recordDataset } from '../../../core/enrich/store.js';
import { type TestApi, testApi } from '../../harness/api.js';
import { openTestDb } from '../../harness/chdb.js';
import {
  ARM,
  ago,
  type HealthRow,
  insertHealthRejects,
  insertHealthRows,
  minutes,
  nsgBlob,
} from '../../harness/ingest-health.js';

/**
 * Issue 14 part 4: one row per flow log with status, lags, the last hour per minute, rejects by
 * reason and coverage of the rules window. The clock is injected and every time is relative to it.
 */
let now = new Date('2031-06-15T12:00:00Z');
const NOW = now;
let db: Db & { close(): Promise<void> };
let api: TestApi;
const hour = (k: number) => ago(NOW, k * 3600);
const hourOf = (d: Date) => new Date(Math.floor(d.getTime() / 3_600_000) * 3_600_000);
const KAFKA = 'kafka:flowlogs/0';
const NSG_KAFKA =
  '/subscriptions/00000000-0000-0000-0000-00000000000a/resourcegroups/rg-net/providers/microsoft.network/networksecuritygroups/nsg-kafka';

function nsgRows(arm: string, nsg: string, times: Date[], arrivalDelay: number): HealthRow[] {
  return times.map((t) => ({
    time: t,
    arrived: new Date(t.getTime() + arrivalDelay * 1000),
    format: 'nsg-v2',
    nsg,
    target: arm,
    source: `blob:${nsgBlob(arm, hourOf(t))}`,
    bytes: 1000,
  }));
}

beforeAll(async () => {
  db = await openTestDb();
  const okTimes = [
    ...Array.from({ length: 22 }, (_, i) => hour(i + 2)),
    ...minutes(ago(NOW, 600), ago(NOW, 0)),
  ];
  const rows: HealthRow[] = [
    // ok: a row every hour of the window but its first and last, one a minute for the last 10 minutes, arriving 30 s later
    ...nsgRows(ARM.nsgOk, 'NSG-OK', okTimes, 30),
    // late: arriving now, but the newest flow is 15 minutes old (delayed delivery)
    ...nsgRows(ARM.nsgLate, 'NSG-LATE', minutes(ago(NOW, 1200), ago(NOW, 840)), 890),
    // silent, with a coverage gap: VNet flow log of a subnet, only the window's first 12 hours and one
    // row 10 minutes ago, through a Kafka partition it shares with nsg-kafka
    ...[...Array.from({ length: 12 }, (_, i) => hour(24 - i)), ago(NOW, 600)].map((t) => ({
      time: t,
      arrived: new Date(t.getTime() + 60_000),
      format: 'vnet' as const,
      nsg: 'NSG-APP',
      target: ARM.subnet,
      flowLog:
        '/subscriptions/x/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/nw/flowLogs/fl-app',
      source: KAFKA,
    })),
    // ok, NSG named without a resource id (rebuilt from subscription, group and name)
    ...minutes(ago(NOW, 300), ago(NOW, 0)).map((t) => ({
      time: t,
      arrived: ago(NOW, 10),
      format: 'nsg-v2' as const,
      nsg: 'nsg-kafka',
      target: '',
      source: KAFKA,
    })),
  ];
  await insertHealthRows(db, rows);
  await insertHealthRejects(db, [
    { time: ago(NOW, 120), kind: 'blob', source: nsgBlob(ARM.nsgOk, hour(2)), reason: 'tuple-ip' },
    {
      time: ago(NOW, 110),
      kind: 'blob',
      source: nsgBlob(ARM.nsgOk, hourOf(ago(NOW, 60))),
      reason: 'tuple-ip',
    },
    // a blob none of whose rows was stored (whole body rejected): its path names the NSG
    { time: ago(NOW, 100), kind: 'blob', source: nsgBlob(ARM.nsgOk, hour(72)), reason: 'json' },
    { time: ago(NOW, 90), kind: 'kafka', source: 'flowlogs/0', reason: 'frame' },
  ]);
  await db.client.insert({
    table: 'ingest_positions',
    values: [
      {
        source_kind: 'blob',
        source_key: nsgBlob(ARM.nsgOk, hourOf(ago(NOW, 60))),
        position: '{}',
        updated_at: ago(NOW, 25).getTime(),
      },
    ],
    format: 'JSONEachRow',
  });
  const asn = { name: 'asn', version: '2031-06-01', source: 'package:@ip-location-db/asn', rows: 5 };
  await recordDataset(db.client, { ...asn, dataDate: ago(NOW, 14 * 86_400) }, ago(NOW, 86_400));
  api = testApi(
    db,
    {
      rules: { windowDays: 1 },
      sources: [
        { type: 'blob', name: 'azure', auth: { method: 'connection-string' }, pollIntervalSeconds: 90 },
      ],
    },
    { now: () => now },
  );
  api.deps.metrics.source.errors.inc({ source: 'azure', kind: 'blob', class: 'transient' }, 2);
  api.deps.metrics.source.errors.inc({ source: 'azure', kind: 'blob', class: 'write' });
  api.deps.metrics.source.lagSeconds.set({ source: 'azure', kind: 'blob', key: 'acct/nsg-ok' }, 42);
  api.deps.metrics.source.lagSeconds.set({ source: 'azure', kind: 'blob', key: 'acct/nsg-late' }, 7);
  api.deps.metrics.sourceParked.set({ source: 'azure' }, 1);
});
afterAll(async () => db?.close());

async function health(): Promise<IngestHealthResponse> {
  const r = await api.get('/api/ingest/health');
  expect(r.status, await r.clone().text()).toBe(200);
  return (await r.json()) as IngestHealthResponse;
}

const byName = (h: IngestHealthResponse, name: string) => h.flowLogs.find((f) => f.name === name)!;

describe('GET /api/ingest/health', () => {
  it('lists every flow log, the ones needing attention first, with status and lags', async () => {
    now = NOW;
    const h = await health();
    expect(h.flowLogs.map((f) => [f.name, f.kind, f.status])).toEqual([
      ['snet-app', 'subnet', 'silent'],
      ['NSG-LATE', 'nsg', 'late'],
      ['nsg-kafka', 'nsg', 'ok'],
      ['NSG-OK', 'nsg', 'ok'],
    ]);
    const ok = byName(h, 'NSG-OK');
    expect(ok).toMatchObject({
      id: ARM.nsgOk.toLowerCase(),
      newestFlow: ago(NOW, 60).toISOString(),
      newestArrival: ago(NOW, 30).toISOString(),
      lagSeconds: 30,
      flowLagSeconds: 60,
      rowsLastHour: 10,
      bytesLastHour: 10_000,
      sourceKinds: ['blob'],
      sources: 23,
      // the blob source's poll interval (90 s) is above Azure's minute
      thresholds: { intervalSeconds: 90, silentAfterSeconds: 180, lateAfterSeconds: 450 },
    });
    expect(ok.perMinute).toEqual([...Array(50).fill(0), ...Array(10).fill(1)]);
    expect(byName(h, 'NSG-LATE')).toMatchObject({ lagSeconds: 10, flowLagSeconds: 900 });
    const silent = byName(h, 'snet-app');
    expect(silent).toMatchObject({
      lagSeconds: 540,
      format: 'vnet',
      thresholds: { intervalSeconds: 60, silentAfterSeconds: 120, lateAfterSeconds: 300 },
    });
    expect(byName(h, 'nsg-kafka').id).toBe(NSG_KAFKA);
  });

  it('attributes rejects to their flow log; a shared partition stays unattributed', async () => {
    const h = await health();
    expect(byName(h, 'NSG-OK').rejects).toEqual({ total: 3, byReason: { 'tuple-ip': 2, json: 1 } });
    expect(byName(h, 'NSG-LATE').rejects).toEqual({ total: 0, byReason: {} });
    expect(h.unattributedRejects).toEqual({ total: 1, byReason: { frame: 1 } });
  });

  it('measures coverage over the rules window in hours against rules.minCoverage', async () => {
    const h = await health();
    expect(h.window).toEqual({ from: hour(24).toISOString(), to: NOW.toISOString() });
    expect(byName(h, 'NSG-OK').coverage).toEqual({
      windowHours: 24,
      coveredHours: 23,
      share: 0.958,
      enough: true,
    });
    expect(byName(h, 'snet-app').coverage).toEqual({
      windowHours: 24,
      coveredHours: 13,
      share: 0.542,
      enough: false,
    });
    expect(byName(h, 'NSG-LATE').coverage.coveredHours).toBe(1);
  });

  it("shows this process's source errors and parking, and the enrichment datasets with their age", async () => {
    const h = await health();
    expect(h.sources).toEqual([
      { name: 'azure', kind: 'blob', pollSeconds: 90, lagSeconds: 42, parked: true, errors: 3 },
    ]);
    expect(byName(h, 'NSG-OK')).toMatchObject({ sourceErrors: 3, parked: true });
    expect(byName(h, 'nsg-kafka')).toMatchObject({ sourceErrors: 0, parked: false });
    expect(h.datasets).toEqual([
      expect.objectContaining({ name: 'asn', version: '2031-06-01', ageDays: 14, rows: 5 }),
    ]);
  });

  it('a flow log whose source stopped turns silent after 2 intervals, not before', async () => {
    // NSG-OK's newest arrival is 30 s before NOW; its interval is 90 s.
    now = new Date(NOW.getTime() + 149_000);
    expect(byName(await health(), 'NSG-OK')).toMatchObject({ status: 'ok', lagSeconds: 179 });
    now = new Date(NOW.getTime() + 150_000);
    expect(byName(await health(), 'NSG-OK')).toMatchObject({ status: 'silent', lagSeconds: 180 });
    now = NOW;
  });
});

describe('GET /api/ingest/health/sources', () => {
  it("pages a flow log's blobs, newest arrival first, with rejects and cursor time", async () => {
    const id = encodeURIComponent(ARM.nsgOk.toLowerCase());
    const first = (await (
      await api.get(`/api/ingest/health/sources?flowLog=${id}&limit=10`)
    ).json()) as FlowLogSources;
    expect(first.total).toBe(23);
    expect(first.rows).toHaveLength(10);
    const newest = `blob:${nsgBlob(ARM.nsgOk, hourOf(ago(NOW, 60)))}`;
    expect(first.rows[0]).toMatchObject({
      source: newest,
      rows: 10, // the last ten minutes
      newestArrival: ago(NOW, 30).toISOString(),
      rejects: 1,
      positionUpdatedAt: ago(NOW, 25).toISOString(),
    });
    expect(first.rows[1]).toMatchObject({ rejects: 1, positionUpdatedAt: null }); // hour 2
    expect(first.rows[2]).toMatchObject({ rejects: 0, positionUpdatedAt: null });
    const last = (await (
      await api.get(`/api/ingest/health/sources?flowLog=${id}&limit=10&offset=20`)
    ).json()) as FlowLogSources;
    expect(last.rows).toHaveLength(3);
    const all = new Set([...first.rows, ...last.rows].map((r) => r.source));
    expect(all.size).toBe(13);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await api.get('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(doc.paths).toHaveProperty(['/api/ingest/health']);
    expect(doc.paths).toHaveProperty(['/api/ingest/health/sources']);
  });
});
