import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KeyStore } from '../../../api/auth/keys.js';
import { startApi } from '../../../api/server.js';
import type { Db } from '../../../core/clickhouse/client.js';
import { parseConfig } from '../../../core/config/load.js';
import { createLogger, silentLogger } from '../../../core/logging.js';
import { createMetrics } from '../../../core/metrics.js';
import { type TestApi, testApi } from '../../harness/api.js';
import { SCENARIO_FINDINGS, seedFindings } from '../../harness/api-findings.js';
import { generateFlows } from '../../harness/api-seed.js';
import { openTestDb } from '../../harness/chdb.js';

/** Issue 15 probes 4, 5, 7 and 8: bounded exports, 400s, per-caller rate limits, the audit trail. */
let db: Db & { close(): Promise<void> };
const keys: Record<'admin' | 'analyst' | 'viewer' | 'other', string> = {
  admin: '',
  analyst: '',
  viewer: '',
  other: '',
};
const FROM = new Date('2026-01-10T11:00:00Z');
const W = 'from=2026-01-10T11:00:00Z&to=2026-01-10T12:00:00Z';

beforeAll(async () => {
  db = await openTestDb();
  await generateFlows(db, { count: 2_345, from: FROM, spanMs: 3_600_000 });
  await seedFindings(db, SCENARIO_FINDINGS);
  const store = new KeyStore(db, parseConfig({}).api);
  for (const role of ['admin', 'analyst', 'viewer'] as const)
    keys[role] = (await store.create(role, role, 'cli')).key;
  keys.other = (await store.create('other', 'viewer', 'cli')).key;
});
afterAll(async () => db.close());

const as = (k: string) => ({ 'x-api-key': k });

describe('streamed export', () => {
  it('pages by keyset: every row once, in order, one CSV header, same rows as search', async () => {
    const api = testApi(db, { api: { exportPageRows: 100 } });
    const csv = await api.get(`/api/flows/export?${W}&format=csv&order=asc`, as(keys.viewer));
    const lines = (await csv.text()).trim().split('\n');
    expect(lines.filter((l) => l.startsWith('"time"'))).toHaveLength(1);
    expect(lines).toHaveLength(1 + 2_345);
    const nd = await api.get(`/api/flows/export?${W}&format=ndjson&order=desc&limit=1234`, as(keys.viewer));
    const rows = (await nd.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { time: string; record_offset: number });
    expect(rows).toHaveLength(1234);
    expect(new Set(rows.map((r) => r.record_offset)).size).toBe(1234);
    const sorted = [...rows].sort(
      (a, b) => b.time.localeCompare(a.time) || b.record_offset - a.record_offset,
    );
    expect(rows).toEqual(sorted);
  });

  it('answers 429 past the concurrent-export cap and frees the slot when an export ends', async () => {
    const api = testApi(db, { api: { exportConcurrency: 1, exportPageRows: 100 } });
    const first = await api.get(`/api/flows/export?${W}`, as(keys.viewer));
    expect(first.status).toBe(200);
    const second = await api.get(`/api/flows/export?${W}`, as(keys.viewer));
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBeTruthy();
    await first.text();
    await new Promise((r) => setImmediate(r));
    const third = await api.get(`/api/flows/export?${W}`, as(keys.viewer));
    expect(third.status).toBe(200);
    await third.text();
  });

  it('HEAD starts no export: two HEADs over real HTTP leave both default slots free', async () => {
    const deps = { db, config: parseConfig({}), logger: silentLogger(), metrics: createMetrics() };
    const server = await startApi({ ...deps, dashboardsDir: '/nonexistent' }, new AbortController().signal, {
      host: '127.0.0.1',
      port: 0,
    });
    try {
      const url = `${server.url}/api/flows/export?${W}`;
      for (let i = 0; i < 3; i++) {
        const head = await fetch(url, { method: 'HEAD', headers: as(keys.viewer) });
        expect(head.status).toBe(200);
        expect(head.headers.get('content-type')).toContain('text/csv');
      }
      const [a, b] = await Promise.all([0, 1].map(() => fetch(url, { headers: as(keys.viewer) })));
      expect([a?.status, b?.status]).toEqual([200, 200]);
      const lines = await Promise.all([a, b].map(async (r) => (await r?.text())?.trim().split('\n').length));
      expect(lines).toEqual([1 + 2_345, 1 + 2_345]);
    } finally {
      await server.stop();
    }
  });

  it('a client that goes away mid-export frees its slot (real HTTP)', async () => {
    const config = parseConfig({
      api: { exportConcurrency: 1, exportIdleSeconds: 3600, exportPageRows: 100 },
    });
    const deps = { db, config, logger: silentLogger(), metrics: createMetrics() };
    const server = await startApi({ ...deps, dashboardsDir: '/nonexistent' }, new AbortController().signal, {
      host: '127.0.0.1',
      port: 0,
    });
    try {
      const url = `${server.url}/api/flows/export?${W}&format=ndjson`;
      const gone = new AbortController();
      const first = await fetch(url, { headers: as(keys.viewer), signal: gone.signal });
      expect(first.status).toBe(200);
      await first.body?.getReader().read();
      gone.abort();
      await vi.waitFor(
        async () => {
          const next = await fetch(`${url}&limit=5`, { headers: as(keys.viewer) });
          expect(next.status).toBe(200);
          expect((await next.text()).trim().split('\n')).toHaveLength(5);
        },
        { timeout: 20_000, interval: 200 },
      );
    } finally {
      await server.stop();
    }
  });

  it('a body nobody reads is cancelled after exportIdleSeconds and frees its slot', async () => {
    const api = testApi(db, { api: { exportConcurrency: 1, exportIdleSeconds: 1, exportPageRows: 100 } });
    const unread = await api.get(`/api/flows/export?${W}`, as(keys.viewer));
    expect(unread.status).toBe(200);
    expect((await api.get(`/api/flows/export?${W}`, as(keys.viewer))).status).toBe(429);
    await vi.waitFor(
      async () => {
        const next = await api.get(`/api/flows/export?${W}&limit=10`, as(keys.viewer));
        expect(next.status).toBe(200);
        expect((await next.text()).trim().split('\n')).toHaveLength(11);
      },
      { timeout: 10_000, interval: 250 },
    );
    await expect(unread.text()).rejects.toThrow(/idle/);
  });
});

describe('input validation: 400 with the reason, never 500', () => {
  const api = () => testApi(db);
  const negative = Buffer.from(JSON.stringify(['2026-01-10 11:30:00.000', 'bench', -5, 0])).toString(
    'base64url',
  );
  const badMonth = Buffer.from(JSON.stringify(['2026-99-10 11:30:00.000', 'bench', 5, 0])).toString(
    'base64url',
  );
  it.each([
    ['/api/flows?from=now-999999w', 'from must lie between'],
    ['/api/flows?from=now-999999w&to=now-999998w', 'must lie between 1970-01-01'],
    ['/api/traffic/top?from=1000-01-01&to=1000-01-02', 'must lie between 1970-01-01'],
    ['/api/flows?to=2400-01-01', 'to must lie between'],
    [`/api/flows?${W}&cursor=${negative}`, 'cursor is not valid'],
    [`/api/flows?${W}&cursor=${badMonth}`, 'cursor is not valid'],
    ['/api/flows?limit=-1', 'limit'],
    ['/api/findings?offset=-3', 'offset'],
    ['/api/audit?limit=0', 'limit'],
  ])('%s', async (path, reason) => {
    const r = await api().get(path, as(keys.admin));
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { message: string } }).error.message).toContain(reason);
  });
});

describe('rate limits per caller, in separate buckets', () => {
  it('an anonymous flood from one address does not lock out keys; each key has its own bucket', async () => {
    const api = testApi(db, { api: { rateLimitPerMinute: 5 } });
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) codes.push((await api.get('/api/findings')).status);
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes.slice(5)).toEqual([429, 429, 429]);
    for (let i = 0; i < 5; i++) expect((await api.get('/api/findings', as(keys.viewer))).status).toBe(200);
    expect((await api.get('/api/findings', as(keys.viewer))).status).toBe(429);
    expect((await api.get('/api/findings', as(keys.other))).status).toBe(200);
  });

  it('charges failed credentials to the address', async () => {
    const api = testApi(db, { api: { rateLimitPerMinute: 3 } });
    // A key that authenticated before the guessing began goes on (see the next describe).
    expect((await api.get('/api/findings', as(keys.viewer))).status).toBe(200);
    for (let i = 0; i < 3; i++)
      expect((await api.get('/api/findings', as(`flk_guess_${i}`))).status).toBe(401);
    expect((await api.get('/api/findings')).status).toBe(429);
    expect((await api.get('/api/findings', as(keys.viewer))).status).toBe(200);
  });
});

describe('failed credentials are refused per address', () => {
  it('key guessing from one address gets 429 after the limit; a valid key (own bucket) still works', async () => {
    const api = testApi(db, { api: { rateLimitPerMinute: 4 } });
    expect((await api.get('/api/findings', as(keys.viewer))).status).toBe(200);
    const codes: number[] = [];
    for (let i = 0; i < 10; i++) codes.push((await api.get('/api/findings', as(`flk_guess_${i}`))).status);
    expect(codes.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(codes.slice(4)).toEqual([429, 429, 429, 429, 429, 429]);
    const bearer = await api.get('/api/findings', { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.x' });
    expect(bearer.status).toBe(429);
    expect(bearer.headers.get('retry-after')).toBeTruthy();
    expect((await api.get('/api/findings', as(keys.viewer))).status).toBe(200);
    // A guess never enters the known-good set, however it is sent.
    expect((await api.get('/api/findings', { authorization: 'Bearer flk_guess_0' })).status).toBe(429);
  });
});

describe('audit trail', () => {
  it('logs one structured line and stores one row per key change, status change and suppression', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).trim().split('\n'));
        done();
      },
    });
    const api = testApi(db, {}, { logger: createLogger('info', 'flowlens', sink) });
    const created = await api.send('POST', '/api/keys', { name: 'ci', role: 'viewer' }, as(keys.admin));
    const { id } = (await created.json()) as { id: string };
    expect((await api.send('DELETE', `/api/keys/${id}`, '', as(keys.admin))).status).toBe(200);
    const finding = `/api/findings/${encodeURIComponent('scan:203.0.113.9')}/status`;
    const ack = { status: 'acknowledged', comment: 'looking' };
    expect((await api.send('POST', finding, ack, as(keys.analyst))).status).toBe(200);
    const sup = { status: 'suppressed', comment: 'known scanner' };
    expect((await api.send('POST', finding, sup, as(keys.analyst))).status).toBe(200);
    const audit = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.audit);
    expect(audit.map((l) => l.action)).toEqual([
      'key.create',
      'key.revoke',
      'finding.status',
      'finding.suppress',
    ]);
    for (const l of audit)
      expect(l).toMatchObject({ actor: expect.stringMatching(/^key:/), time: expect.any(String) });
    expect(JSON.stringify(audit)).not.toContain('flk_');

    expect((await api.get('/api/audit?from=now-1h', as(keys.analyst))).status).toBe(403);
    const r = await api.get('/api/audit?from=now-1h', as(keys.admin));
    expect(r.status, lines.filter((l) => l.includes('failed')).join()).toBe(200);
    const { events } = (await r.json()) as { events: { action: string; target: string; actor: string }[] };
    expect(events.map((e) => e.action).sort()).toEqual(
      ['finding.status', 'finding.suppress', 'key.create', 'key.revoke'].sort(),
    );
    expect(events.find((e) => e.action === 'key.revoke')?.target).toBe(id);
    const only = await api.get('/api/audit?from=now-1h&action=finding.suppress', as(keys.admin));
    expect(((await only.json()) as { events: unknown[] }).events).toHaveLength(1);
  });
});
