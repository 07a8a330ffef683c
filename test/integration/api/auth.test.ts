import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../../../api/auth/keys.js';
import type { Db } from '../../../core/clickhouse/client.js';
import { type TestApi, testApi } from '../../harness/api.js';
import { SCENARIO_FINDINGS, seedFindings } from '../../harness/api-findings.js';
import { openTestDb } from '../../harness/chdb.js';

const KEYS = { viewer: 'flk_test_viewer_key', analyst: 'flk_test_analyst_key', admin: 'flk_test_admin_key' };
const ISSUER = 'https://login.microsoftonline.com/tenant-0/v2.0';
const AUDIENCE = 'api://flowlens';

let db: Db & { close(): Promise<void> };
let api: TestApi;
let jwks: Server;
let sign: (
  claims: Record<string, unknown>,
  opts?: { aud?: string; iss?: string; exp?: string | number },
) => Promise<string>;

/** A local JWKS endpoint (the real jose verifier fetches it over HTTP) and tokens signed with its key. */
async function startJwks(): Promise<string> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  jwks = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
  sign = (claims, opts = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(opts.iss ?? ISSUER)
      .setAudience(opts.aud ?? AUDIENCE)
      .setSubject('user-1')
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? '10m')
      .sign(privateKey);
  return `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/keys`;
}

beforeAll(async () => {
  db = await openTestDb();
  await seedFindings(db, SCENARIO_FINDINGS);
  const jwksUri = await startJwks();
  api = testApi(db, {
    api: {
      auth: {
        keys: Object.entries(KEYS).map(([role, key]) => ({
          name: `${role}-key`,
          role: role as 'viewer',
          hash: hashKey(key),
        })),
        oidc: { issuer: ISSUER, audience: AUDIENCE, jwksUri },
      },
    },
  });
});
afterAll(async () => {
  jwks?.close();
  await db.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const statusBody = { status: 'acknowledged', comment: 'looking' };
const FINDING = `/api/findings/${encodeURIComponent('scan:203.0.113.9')}/status`;

describe('auth matrix', () => {
  it.each([
    // [what, headers, GET findings, POST status, GET keys]
    ['no credential', {}, 401, 401, 401],
    ['unknown key', { 'x-api-key': 'flk_nope' }, 401, 401, 401],
    ['viewer key', { 'x-api-key': KEYS.viewer }, 200, 403, 403],
    ['analyst key', bearer(KEYS.analyst), 200, 200, 403],
    ['admin key', bearer(KEYS.admin), 200, 200, 200],
  ])('%s', async (_what, headers, read, write, admin) => {
    expect((await api.get('/api/findings', headers)).status).toBe(read);
    expect((await api.send('POST', FINDING, statusBody, headers)).status).toBe(write);
    expect((await api.get('/api/keys', headers)).status).toBe(admin);
  });

  it('keeps liveness, readiness, docs and the OpenAPI document public; metrics need a key', async () => {
    for (const path of ['/healthz', '/readyz', '/api/openapi.json', '/api/docs']) {
      expect((await api.get(path)).status, path).toBe(200);
    }
    expect((await api.get('/metrics')).status).toBe(401);
    expect((await api.get('/metrics', bearer(KEYS.viewer))).status).toBe(200);
  });

  it('401 and 403 use the error envelope', async () => {
    const r = await api.get('/api/findings');
    expect(await r.json()).toMatchObject({
      error: { code: 'unauthenticated', requestId: expect.any(String) },
    });
    const f = await api.send('POST', FINDING, statusBody, { 'x-api-key': KEYS.viewer });
    expect(await f.json()).toMatchObject({ error: { code: 'forbidden' } });
  });

  it('records the key name as the actor of a status change', async () => {
    const r = await api.send('POST', FINDING, { status: 'resolved', comment: 'fixed' }, bearer(KEYS.analyst));
    const body = (await r.json()) as { finding: { statusBy: string }; history: { actor: string }[] };
    expect(body.finding.statusBy).toBe('analyst-key');
    expect(body.history.at(-1)?.actor).toBe('analyst-key');
  });
});

describe('OIDC bearer tokens (local JWKS, locally signed)', () => {
  it('maps Entra app roles to flowlens roles', async () => {
    const viewer = await sign({ roles: ['FlowLens.Viewer'], preferred_username: 'ana@example.com' });
    expect((await api.get('/api/findings', bearer(viewer))).status).toBe(200);
    expect((await api.send('POST', FINDING, statusBody, bearer(viewer))).status).toBe(403);
    const analyst = await sign({
      roles: ['FlowLens.Viewer', 'FlowLens.Analyst'],
      preferred_username: 'ana@example.com',
    });
    const r = await api.send('POST', FINDING, statusBody, bearer(analyst));
    expect(r.status).toBe(200);
    expect(((await r.json()) as { finding: { statusBy: string } }).finding.statusBy).toBe('ana@example.com');
  });

  it.each([
    ['wrong audience', { aud: 'api://other' }, 401],
    ['wrong issuer', { iss: 'https://evil.example/v2.0' }, 401],
    ['expired', { exp: Math.floor(Date.parse('2020-01-01T00:00:00Z') / 1000) }, 401],
  ])('rejects a token with %s', async (_what, opts, status) => {
    const token = await sign({ roles: ['FlowLens.Admin'] }, opts);
    expect((await api.get('/api/findings', bearer(token))).status).toBe(status);
  });

  it('rejects a token without a role (403) and a tampered one (401)', async () => {
    expect((await api.get('/api/findings', bearer(await sign({ roles: ['Other'] })))).status).toBe(403);
    const token = await sign({ roles: ['FlowLens.Viewer'] });
    const [h, p, s] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), roles: ['FlowLens.Admin'] }),
    ).toString('base64url');
    expect((await api.get('/api/keys', bearer(`${h}.${forged}.${s}`))).status).toBe(401);
  });
});

describe('API keys in the database', () => {
  it('admin creates a key shown once, stored hashed; it works, then revoked it stops at once', async () => {
    const created = await api.send('POST', '/api/keys', { name: 'ci', role: 'viewer' }, bearer(KEYS.admin));
    expect(created.status).toBe(201);
    const { id, key } = (await created.json()) as { id: string; key: string };
    expect(key).toMatch(/^flk_/);
    const [stored] = await (
      await db.client.query({ query: 'SELECT hash FROM api_keys', format: 'JSONEachRow' })
    ).json<{ hash: string }>();
    expect(stored?.hash).toBe(hashKey(key));
    expect(JSON.stringify(await (await api.get('/api/keys', bearer(KEYS.admin))).json())).not.toContain(key);
    expect((await api.get('/api/findings', bearer(key))).status).toBe(200);
    expect((await api.send('DELETE', `/api/keys/${id}`, '', bearer(KEYS.admin))).status).toBe(200);
    expect((await api.get('/api/findings', bearer(key))).status).toBe(401);
  });
});
