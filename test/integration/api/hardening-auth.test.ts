import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyStore } from '../../../api/auth/keys.js';
import { startApi } from '../../../api/server.js';
import type { Db } from '../../../core/clickhouse/client.js';
import { parseConfig } from '../../../core/config/load.js';
import type { ConfigInput } from '../../../core/config/schema.js';
import { silentLogger } from '../../../core/logging.js';
import { createMetrics } from '../../../core/metrics.js';
import { testApi } from '../../harness/api.js';
import { openTestDb } from '../../harness/chdb.js';

/**
 * Issue 15 probes 1 and 2: the auth mode never weakens over the key lifecycle, and Host/Origin
 * allow-lists stop DNS rebinding and cross-site writes. One chDB per process: each test starts from
 * an empty `api_keys` table instead of a new database.
 */
let shared: Db & { close(): Promise<void> };
beforeAll(async () => {
  shared = await openTestDb();
});
afterAll(async () => shared.close());
async function freshDb(): Promise<Db> {
  await shared.client.command({ query: 'TRUNCATE TABLE api_keys' });
  return shared;
}

const key = (k: string) => ({ 'x-api-key': k });

describe('auth mode is decided once and never weakens', () => {
  it('over the whole key lifecycle in one process and across a restart', async () => {
    const db = await freshDb();
    const api = testApi(db);
    // Local mode: no credentials anywhere, loopback Host → local admin.
    expect((await api.get('/api/findings')).status).toBe(200);
    const created = await api.send('POST', '/api/keys', { name: 'first', role: 'admin' });
    expect(created.status).toBe(201);
    const first = (await created.json()) as { id: string; key: string };
    // A key exists now: anonymous callers are refused from here on.
    expect((await api.get('/api/findings')).status).toBe(401);
    expect((await api.get('/api/findings', key(first.key))).status).toBe(200);
    // Revoking the last key does not reopen the server.
    expect((await api.send('DELETE', `/api/keys/${first.id}`, '', key(first.key))).status).toBe(200);
    expect((await api.get('/api/findings')).status).toBe(401);
    expect((await api.send('POST', '/api/keys', { name: 'again', role: 'admin' })).status).toBe(401);
    // A restart on the same data stays credentialed (the revoked row still counts).
    const restarted = testApi(db);
    expect((await restarted.get('/api/findings')).status).toBe(401);
    expect((await restarted.send('POST', '/api/keys', { name: 'x', role: 'admin' })).status).toBe(401);
    // Only the CLI path (KeyStore directly on the database) can mint the next key.
    const cli = await new KeyStore(db, parseConfig({}).api).create('ops', 'admin', 'cli');
    expect((await restarted.get('/api/keys', key(cli.key))).status).toBe(200);
    expect((await api.get('/api/keys', key(cli.key))).status).toBe(200);
  });

  it('local mode ends when another process created a key, even one already revoked', async () => {
    const db = await freshDb();
    const api = testApi(db);
    expect((await api.get('/api/findings')).status).toBe(200);
    const store = new KeyStore(db, parseConfig({}).api);
    const cli = await store.create('short-lived', 'admin', 'cli');
    expect(await store.revoke(cli.id)).toBe('short-lived');
    expect((await api.get('/api/findings')).status).toBe(401);
  });

  it('a failed decision is not remembered: the next request decides again', async () => {
    const db = await freshDb();
    const api = testApi(db);
    await db.client.command({ query: 'DETACH TABLE api_keys' });
    try {
      expect((await api.get('/api/findings')).status).toBe(500);
    } finally {
      await db.client.command({ query: 'ATTACH TABLE api_keys' });
    }
    expect((await api.get('/api/findings')).status).toBe(200);
  });

  it('a server started on a non-loopback address with keys stays closed after every key is revoked', async () => {
    const db = await freshDb();
    const admin = await new KeyStore(db, parseConfig({}).api).create('admin', 'admin', 'cli');
    const viewer = await new KeyStore(db, parseConfig({}).api).create('viewer', 'viewer', 'cli');
    const controller = new AbortController();
    const deps = { db, config: parseConfig({}), logger: silentLogger(), metrics: createMetrics() };
    const server = await startApi({ ...deps, dashboardsDir: '/nonexistent' }, controller.signal, {
      host: '0.0.0.0',
      port: 0,
    });
    const base = `http://127.0.0.1:${new URL(server.url).port}`;
    try {
      for (const k of [viewer, admin]) {
        const r = await fetch(`${base}/api/keys/${k.id}`, { method: 'DELETE', headers: key(admin.key) });
        expect(r.status).toBe(200);
      }
      expect((await fetch(`${base}/api/findings`)).status).toBe(401);
      const mint = await fetch(`${base}/api/keys`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'evil', role: 'admin' }),
      });
      expect(mint.status).toBe(401);
      expect((await fetch(`${base}/api/findings`, { headers: key(admin.key) })).status).toBe(401);
    } finally {
      controller.abort();
      await server.stop();
    }
  });
});

/** A raw HTTP request with a forged Host header (fetch cannot set Host). */
function raw(
  url: string,
  opts: { method?: string; host: string; origin?: string; body?: string },
): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        hostname: u.hostname,
        port: u.port,
        path: u.pathname,
        method: opts.method ?? 'GET',
        headers: {
          host: opts.host,
          'content-type': 'application/json',
          ...(opts.origin ? { origin: opts.origin } : {}),
        },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('Host and Origin allow-lists', () => {
  let db: Db;
  let url: string;
  let port: string;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    db = await freshDb();
    const config: ConfigInput = { api: { allowedHosts: ['flowlens.corp.example'] } };
    const deps = { db, config: parseConfig(config), logger: silentLogger(), metrics: createMetrics() };
    const server = await startApi({ ...deps, dashboardsDir: '/nonexistent' }, new AbortController().signal, {
      host: '127.0.0.1',
      port: 0,
    });
    ({ url, stop } = server);
    port = new URL(url).port;
  });
  afterAll(async () => stop());

  const mint = JSON.stringify({ name: 'rebound', role: 'admin' });

  it('local mode refuses a rebinding Host, for reads and for minting keys', async () => {
    const host = `rebind.attacker.example:${port}`;
    const origin = `http://${host}`;
    expect((await raw(`${url}/api/findings`, { host })).status).toBe(403);
    const r = await raw(`${url}/api/keys`, { method: 'POST', host, origin, body: mint });
    expect(r.status).toBe(403);
    expect(r.body).not.toContain('flk_');
    expect((await raw(`${url}/`, { host })).status).toBe(403);
  });

  it.each([`127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT`, 'flowlens.corp.example:PORT'])(
    'serves Host %s',
    async (h) => {
      expect((await raw(`${url}/api/findings`, { host: h.replace('PORT', port) })).status).toBe(200);
    },
  );

  it('refuses a state-changing request from a foreign Origin, accepts its own', async () => {
    const host = `127.0.0.1:${port}`;
    for (const origin of ['http://evil.example', `http://localhost:${Number(port) + 1}`, 'null']) {
      const r = await raw(`${url}/api/keys`, { method: 'POST', host, origin, body: mint });
      expect(r.status, origin).toBe(403);
      expect(JSON.parse(r.body)).toMatchObject({ error: { code: 'forbidden' } });
    }
    const own = await raw(`${url}/api/keys`, { method: 'POST', host, origin: `http://${host}`, body: mint });
    expect(own.status).toBe(201);
  });

  it('keeps liveness and readiness open to any Host (orchestrator probes)', async () => {
    expect((await raw(`${url}/healthz`, { host: `10.1.2.3:${port}` })).status).toBe(200);
  });
});
