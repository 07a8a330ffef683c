import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../core/clickhouse/client.js';
import { type TestApi, testApi } from '../../harness/api.js';
import { openTestDb } from '../../harness/chdb.js';

/**
 * Issue 15 probe 6 and the OIDC probes that already held: `exp` and `iat` are required, `iat` may
 * not lie in the future, and only the configured algorithms pass (an ES256 key published in the
 * same JWKS is refused when the config lists RS256 only; `alg: none` and HS256 keyed with the
 * public key never pass).
 */
const ISSUER = 'https://login.microsoftonline.com/tenant-0/v2.0';
const AUDIENCE = 'api://flowlens';
let db: Db & { close(): Promise<void> };
let api: TestApi;
let jwks: Server;
let rsa: CryptoKey;
let ec: CryptoKey;
let rsaPublicPem: string;

beforeAll(async () => {
  db = await openTestDb();
  const r = await generateKeyPair('RS256', { extractable: true });
  const e = await generateKeyPair('ES256');
  rsa = r.privateKey;
  ec = e.privateKey;
  rsaPublicPem = await exportSPKI(r.publicKey);
  const keys = [
    { ...(await exportJWK(r.publicKey)), kid: 'rsa', alg: 'RS256', use: 'sig' },
    { ...(await exportJWK(e.publicKey)), kid: 'ec', alg: 'ES256', use: 'sig' },
  ];
  jwks = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((done) => jwks.listen(0, '127.0.0.1', done));
  const jwksUri = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/keys`;
  api = testApi(db, {
    api: { auth: { oidc: { issuer: ISSUER, audience: AUDIENCE, jwksUri, algorithms: ['RS256'] } } },
  });
});
afterAll(async () => {
  jwks?.close();
  await db.close();
});

const nowS = () => Math.floor(Date.now() / 1000);
const claims = (extra: JWTPayload = {}): JWTPayload => ({
  iss: ISSUER,
  aud: AUDIENCE,
  sub: 'user-1',
  roles: ['FlowLens.Viewer'],
  iat: nowS(),
  exp: nowS() + 600,
  ...extra,
});
const rs256 = (payload: JWTPayload) =>
  new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'rsa' }).sign(rsa);
const status = async (token: string) =>
  (await api.get('/api/findings', { authorization: `Bearer ${token}` })).status;
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('OIDC token requirements', () => {
  it('accepts a complete RS256 token', async () => {
    expect(await status(await rs256(claims()))).toBe(200);
  });

  it.each([
    ['without exp', { exp: undefined }],
    ['without iat', { iat: undefined }],
    ['with iat an hour ahead', { iat: nowS() + 3600 }],
    ['expired', { exp: nowS() - 3600, iat: nowS() - 7200 }],
    ['not yet valid', { nbf: nowS() + 3600 }],
  ])('refuses a token %s', async (_what, extra) => {
    const payload = claims();
    for (const [k, v] of Object.entries(extra)) {
      if (v === undefined) delete payload[k];
      else payload[k] = v;
    }
    expect(await status(await rs256(payload))).toBe(401);
  });

  it('refuses an algorithm the config does not list, even with a key in the JWKS', async () => {
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', kid: 'ec' }).sign(ec);
    expect(await status(token)).toBe(401);
  });

  it('refuses an unknown kid, a foreign key under a known kid, and a key embedded in the header', async () => {
    const other = await generateKeyPair('RS256');
    const sign = (header: Parameters<SignJWT['setProtectedHeader']>[0]) =>
      new SignJWT(claims()).setProtectedHeader(header).sign(other.privateKey);
    const tokens = [
      await sign({ alg: 'RS256', kid: 'nope' }),
      await sign({ alg: 'RS256', kid: 'rsa' }),
      await sign({ alg: 'RS256', jwk: await exportJWK(other.publicKey) }),
    ];
    for (const t of tokens) expect(await status(t)).toBe(401);
  });

  it('refuses alg none and HS256 keyed with the public key', async () => {
    expect(await status(`${b64({ alg: 'none', kid: 'rsa' })}.${b64(claims())}.`)).toBe(401);
    const hs = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa' })
      .sign(new TextEncoder().encode(rsaPublicPem));
    expect(await status(hs)).toBe(401);
  });
});
