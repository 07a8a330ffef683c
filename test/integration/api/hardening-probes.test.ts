import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../../../api/auth/keys.js';
import type { Db } from '../../../core/clickhouse/client.js';
import { type TestApi, testApi } from '../../harness/api.js';
import { openTestDb } from '../../harness/chdb.js';

/**
 * The issue 15 probes that already held, kept as tests: keys in the query string, path tricks,
 * body limit, error hygiene, secure headers and static-file traversal (the token probes are in
 * hardening-oidc.test.ts, against a working JWKS).
 */
const ADMIN = 'flk_probe_admin_key_0123456789';
const VIEWER = 'flk_probe_viewer_key_0123456789';
let db: Db & { close(): Promise<void> };
let api: TestApi;
let dist: string;

beforeAll(async () => {
  db = await openTestDb();
  dist = mkdtempSync(join(tmpdir(), 'flowlens-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>flowlens</title>');
  writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
  api = testApi(
    db,
    {
      api: {
        bodyLimitBytes: 1024,
        auth: {
          keys: [
            { name: 'admin', role: 'admin', hash: hashKey(ADMIN) },
            { name: 'viewer', role: 'viewer', hash: hashKey(VIEWER) },
          ],
        },
      },
    },
    { dashboardsDir: dist },
  );
});
afterAll(async () => {
  rmSync(dist, { recursive: true, force: true });
  await db.close();
});

describe('probes that held', () => {
  it.each(['/api/keys?key=KEY', '/api/keys?api_key=KEY', '/api/keys?access_token=KEY'])(
    'a key in the query string is not a credential: %s',
    async (path) => {
      expect((await api.get(path.replace('KEY', ADMIN))).status).toBe(401);
    },
  );

  it.each(['/api//keys', '/api/keys/', '/api/%6beys', '/api/findings/../keys', '/API/keys', '/api/./keys'])(
    'path trick %s does not reach keys as a viewer',
    async (path) => {
      const r = await api.get(path, { 'x-api-key': VIEWER });
      expect([401, 403, 404]).toContain(r.status);
      expect(await r.text()).not.toContain('"keys"');
    },
  );

  it('bodies over the limit get 413; errors carry no stack, SQL or versions; secure headers are set', async () => {
    const big = await api.send(
      'POST',
      '/api/keys',
      { name: 'x'.repeat(5000), role: 'viewer' },
      { 'x-api-key': ADMIN },
    );
    expect(big.status).toBe(413);
    const bad = await api.get(`/api/flows?filter=${encodeURIComponent('dst_port = "x')}`, {
      'x-api-key': VIEWER,
    });
    const text = await bad.text();
    expect(bad.status).toBe(400);
    for (const leak of ['    at ', 'SELECT', 'ClickHouse', 'node_modules', 'v20.'])
      expect(text).not.toContain(leak);
    expect(bad.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(bad.headers.get('x-content-type-options')).toBe('nosniff');
    expect(bad.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it.each([
    '/assets/../../package.json',
    '/assets/..%2f..%2fpackage.json',
    '/assets/%2e%2e/index.html',
    '/assets/app.js/../../x',
  ])('static traversal %s serves nothing outside the bundle', async (path) => {
    const r = await api.get(path);
    expect(await r.text()).not.toContain('"dependencies"');
  });
});
