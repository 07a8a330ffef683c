import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Completion, Validation } from '../../../api/routes/filter/routes.js';
import type { IngestStatus } from '../../../api/routes/ingest/routes.js';
import type { RulesResponse } from '../../../api/routes/rules/routes.js';
import type { TopResponse } from '../../../api/routes/traffic/routes.js';
import type { Db } from '../../../core/clickhouse/client.js';
import { type TestApi, testApi } from '../../harness/api.js';
import { SCENARIO_FLOWS } from '../../harness/api-scenario.js';
import { seedFlows } from '../../harness/api-seed.js';
import { count, openTestDb } from '../../harness/chdb.js';

let db: Db & { close(): Promise<void> };
let api: TestApi;
const W = 'from=2026-01-10T11:00:00Z&to=2026-01-10T12:00:00Z';
const REJECT_TIME = new Date(Date.now() - 3600_000);
const RW = `from=${new Date(REJECT_TIME.getTime() - 60_000).toISOString()}&to=${new Date(REJECT_TIME.getTime() + 60_000).toISOString()}`;

beforeAll(async () => {
  db = await openTestDb();
  await seedFlows(db, SCENARIO_FLOWS);
  await db.client.insert({
    table: 'rejects',
    values: [
      // rejects keep a 30-day TTL even when raw retention is off, so this row is recent (real clock).
      {
        time: REJECT_TIME.toISOString().replace('T', ' ').replace('Z', ''),
        source_kind: 'file',
        source: '/seed/bad.json',
        offset: 12,
        record_index: 0,
        tuple_index: 3,
        reason: 'tuple-ip',
        detail: 'bad address',
        excerpt: '1700000000,999.1.1.1,…',
      },
    ],
    format: 'JSONEachRow',
  });
  api = testApi(db, { api: { rateLimitPerMinute: 1000, bodyLimitBytes: 2048 } });
});
afterAll(async () => db.close());

async function json<T>(path: string, status = 200): Promise<T> {
  const r = await api.get(path);
  expect(r.status, await r.clone().text()).toBe(status);
  return (await r.json()) as T;
}

describe('system routes', () => {
  it('healthz, readyz (db + migrations), metrics', async () => {
    expect(await json('/healthz')).toEqual({ ok: true });
    expect(await json('/readyz')).toEqual({
      ready: true,
      checks: { database: true, migrations: true },
      pendingMigrations: [],
    });
    await api.get('/api/traffic/top');
    const text = await (await api.get('/metrics')).text();
    expect(text).toContain('flowlens_api_requests_total{route="/api/traffic/top",status="200"}');
    expect(text).toContain('flowlens_rows_total');
  });

  it('serves an OpenAPI 3 document generated from the schemas, and a local docs page', async () => {
    const doc = await json<{ openapi: string; paths: Record<string, unknown> }>('/api/openapi.json');
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of [
      '/api/traffic/top',
      '/api/flows',
      '/api/findings/{id}/status',
      '/api/rules/report',
      '/readyz',
    ]) {
      expect(doc.paths, p).toHaveProperty([p]);
    }
    const page = await api.get('/api/docs');
    expect(await page.text()).toContain('/api/docs/swagger-ui-bundle.js');
    const bundle = await api.get('/api/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    expect((await api.get('/api/docs/..%2Fpackage.json')).status).toBe(404);
  });

  it('sends security headers and no version banners', async () => {
    const r = await api.get('/healthz');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(r.headers.get('x-request-id')).toBeTruthy();
    expect(r.headers.get('server')).toBeNull();
    expect(r.headers.get('x-powered-by')).toBeNull();
  });

  it('404 and 413 use the envelope', async () => {
    expect(await json('/api/nothing', 404)).toMatchObject({ error: { code: 'not_found' } });
    const big = await api.send('POST', '/api/findings/x/status', {
      status: 'resolved',
      comment: 'x'.repeat(5000),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('rate-limits per client', async () => {
    const limited = testApi(db, { api: { rateLimitPerMinute: 3 } });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await limited.get('/api/filter/complete')).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const r = await limited.get('/api/filter/complete');
    expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await r.json()).toMatchObject({ error: { code: 'rate_limited' } });
  });
});

describe('filter injection over HTTP', () => {
  const attempts = [
    `nsg = "x' OR 1=1 --"`,
    `nsg = 'a\\'; DROP TABLE flows; --'`,
    `rule LIKE "%'); DROP TABLE flows; --"`,
    `nsg IN ("a", "b') OR ('1'='1")`,
    `nsg = "\u202e\u0301 ☃ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"`,
    `nsg = "a" /* comment */`,
    `nsg = a; DROP TABLE flows`,
    `nsg = a -- comment`,
    `src_ip = "10.0.0.1' OR '1'='1"`,
    `dst_port IN (${Array.from({ length: 1500 }, (_, i) => i).join(',')})`,
    `${'('.repeat(100)}nsg = a${')'.repeat(100)}`,
  ];
  it.each(attempts.map((a) => [a.slice(0, 60), a]))('%s', async (_label, filter) => {
    const r = await api.get(`/api/traffic/top?${W}&filter=${encodeURIComponent(filter)}`);
    expect([200, 400]).toContain(r.status);
    const body = (await r.json()) as TopResponse & { error?: { code: string } };
    if (r.status === 200) expect(body.rows).toEqual([]);
    else expect(body.error?.code).toBe('invalid_filter');
    expect(await count(db, 'flows')).toBe(SCENARIO_FLOWS.length);
  });
});

describe('rules, ingest and filter helpers', () => {
  it('rules with hit counts; recommendations and report say what is missing', async () => {
    const r = await json<RulesResponse>(`/api/rules?${W}`);
    expect(r.inventoryAvailable).toBe(false);
    expect(r.rules.find((x) => x.nsg === 'nsg-web' && x.rule_name === 'AllowRdp')).toMatchObject({
      flows: 4,
      allowed: 4,
      denied: 0,
      bytes: 20_000,
      lastHit: '2026-01-10T11:13:00.000Z',
    });
    expect(await json('/api/rules/report?format=md', 501)).toMatchObject({
      error: { code: 'not_available' },
    });
  });

  it('rules joined to an inventory and rendered by a provider when wired', async () => {
    const wired = testApi(
      db,
      {},
      {
        rules: {
          inventory: async () => [
            { nsg: 'nsg-web', name: 'AllowRdp', priority: 100 },
            { nsg: 'nsg-web', name: 'AllowLegacyFtp', priority: 200 },
          ],
          recommendations: async () => [
            { id: 'r1', nsg: 'nsg-web', rule: 'AllowLegacyFtp', category: 'unused-rule' },
            { id: 'r2', nsg: 'nsg-app', rule: 'AllowAll', category: 'overly-permissive-rule' },
          ],
          report: async (_w, format) => `report in ${format}`,
        },
      },
    );
    const r = (await (await wired.get(`/api/rules?${W}&nsg=nsg-web`)).json()) as RulesResponse;
    expect(r.rules.find((x) => x.rule_name === 'AllowLegacyFtp')).toMatchObject({
      flows: 0,
      inInventory: true,
      lastHit: null,
    });
    const recs = (await (await wired.get('/api/rules/recommendations?nsg=nsg-web')).json()) as {
      id: string;
    }[];
    expect(recs.map((x) => x.id)).toEqual(['r1']);
    const rep = await wired.get('/api/rules/report?format=csv');
    expect(rep.headers.get('content-type')).toContain('text/csv');
    expect(rep.headers.get('content-disposition')).toContain('rule-report.csv');
    expect(await rep.text()).toBe('report in csv');
  });

  it('ingest status: sources, lag and rejects', async () => {
    const s = await json<IngestStatus>(`/api/ingest/status?${W}`);
    expect(s.sources).toEqual([
      expect.objectContaining({
        source: 'file:/seed/PT1H.json',
        rows: SCENARIO_FLOWS.length,
        newestFlow: '2026-01-10T11:51:00.000Z',
      }),
    ]);
    expect(s.sources[0]?.lagSeconds).toBe(69 * 60);
    expect(s.rejects).toEqual({ total: 0, byReason: {} });
    expect(s.parkedSources).toEqual([]); // no supervisor in this process: nothing parked
    const recent = await json<IngestStatus>(`/api/ingest/status?${RW}`);
    expect(recent.rejects).toEqual({ total: 1, byReason: { 'tuple-ip': 1 } });
    const rj = await json<{ rows: { reason: string; offset: number }[] }>(`/api/ingest/rejects?${RW}`);
    expect(rj.rows).toEqual([expect.objectContaining({ reason: 'tuple-ip', offset: 12 })]);
  });

  it('ingest status reports what this process committed and what it found already stored', async () => {
    expect((await json<IngestStatus>(`/api/ingest/status?${W}`)).reportedRows).toEqual({});
    api.deps.metrics.rowsTotal.inc({ source: 'blob' }, 120);
    api.deps.metrics.duplicateRowsTotal.inc({ source: 'blob' }, 30);
    api.deps.metrics.rowsTotal.inc({ source: 'kafka' }, 5);
    expect((await json<IngestStatus>(`/api/ingest/status?${W}`)).reportedRows).toEqual({
      blob: { committed: 120, duplicates: 30 },
      kafka: { committed: 5, duplicates: 0 },
    });
  });

  it('ingest status reads the series every source exports the same way, whatever its kind', async () => {
    const series = api.deps.metrics.source;
    series.rows.inc({ source: 'nsg-logs', kind: 'blob' }, 70);
    series.batches.inc({ source: 'nsg-logs', kind: 'blob' }, 3);
    series.bytes.inc({ source: 'nsg-logs', kind: 'blob' }, 9000);
    series.lagSeconds.set({ source: 'nsg-logs', kind: 'blob', key: 'acct/c/root-a/' }, 40);
    series.lagSeconds.set({ source: 'nsg-logs', kind: 'blob', key: 'acct/c/root-b/' }, 95);
    series.errors.inc({ source: 'events', kind: 'kafka', class: 'transient' }, 2);
    series.inflightBytes.inc({ source: 'events', kind: 'kafka' }, 512);
    const s = await json<IngestStatus>(`/api/ingest/status?${W}`);
    expect(s.sourceSeries).toEqual({
      'nsg-logs': {
        kind: 'blob',
        rows: 70,
        bytes: 9000,
        batches: 3,
        errors: {},
        inflightBytes: 0,
        lagSeconds: { 'acct/c/root-a/': 40, 'acct/c/root-b/': 95 },
      },
      events: {
        kind: 'kafka',
        rows: 0,
        bytes: 0,
        batches: 0,
        errors: { transient: 2 },
        inflightBytes: 512,
        lagSeconds: {},
      },
    });
    expect(s.reportedLagSeconds).toEqual({ 'nsg-logs': 95 }); // the worst stream of each source
  });

  it('completion lists fields, enum values and top values', async () => {
    const all = await json<Completion>('/api/filter/complete');
    expect(all.fields.map((f) => f.name)).toContain('src_ip');
    expect(all.fields.find((f) => f.name === 'src_ip')?.operators).toContain('<<');
    const action = await json<Completion>('/api/filter/complete?field=action');
    expect(action.values.map((v) => v.value)).toEqual(['allow', 'deny']);
    const nsg = await json<Completion>(`/api/filter/complete?field=nsg&${W}`);
    expect(nsg.values).toEqual([
      { value: 'nsg-web', count: 10 },
      { value: 'nsg-app', count: 5 },
      { value: 'nsg-db', count: 2 },
    ]);
    const ips = await json<Completion>(`/api/filter/complete?field=src_ip&prefix=10.0.&${W}`);
    expect(ips.values.map((v) => v.value).sort()).toEqual(['10.0.1.4', '10.0.2.10']);
    await json('/api/filter/complete?field=nope', 400);
  });

  it('validates filters with positions', async () => {
    expect(await json<Validation>('/api/filter/validate?filter=nsg%20%3D%20a')).toEqual({
      valid: true,
      fields: ['nsg'],
      rollupEligible: true,
    });
    const bad = await json<Validation>(
      `/api/filter/validate?filter=${encodeURIComponent('nsg = a AND port = 1')}`,
    );
    expect(bad).toMatchObject({ valid: false, position: 12 });
  });
});
