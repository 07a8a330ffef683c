import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../../../api/auth/keys.js';
import { isLoopback } from '../../../api/loopback.js';
import { startApi } from '../../../api/server.js';
import type { Db } from '../../../core/clickhouse/client.js';
import { parseConfig } from '../../../core/config/load.js';
import type { ConfigInput } from '../../../core/config/schema.js';
import { ConfigError } from '../../../core/errors.js';
import { silentLogger } from '../../../core/logging.js';
import { createMetrics } from '../../../core/metrics.js';
import { openTestDb } from '../../harness/chdb.js';

let db: Db & { close(): Promise<void> };
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => db.close());

const deps = (config: ConfigInput = {}) => ({
  db,
  config: parseConfig(config),
  logger: silentLogger(),
  metrics: createMetrics(),
  dashboardsDir: '/nonexistent',
});

describe('startApi', () => {
  it('serves on loopback, answers over a real socket, and stops idempotently', async () => {
    const controller = new AbortController();
    const api = await startApi(deps(), controller.signal, { host: '127.0.0.1', port: 0 });
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${api.url}/healthz`);
    expect(await res.json()).toEqual({ ok: true });
    controller.abort();
    await api.stop();
    await api.stop();
    await expect(fetch(`${api.url}/healthz`)).rejects.toThrow();
  });

  it('refuses a non-loopback address when no credentials exist', async () => {
    const signal = new AbortController().signal;
    await expect(startApi(deps(), signal, { host: '0.0.0.0', port: 0 })).rejects.toBeInstanceOf(ConfigError);
  });

  it('allows a non-loopback address once a key is configured', async () => {
    const controller = new AbortController();
    const config = {
      api: { auth: { keys: [{ name: 'k', role: 'viewer' as const, hash: hashKey('secret-key') }] } },
    };
    const api = await startApi(deps(config), controller.signal, { host: '0.0.0.0', port: 0 });
    const port = new URL(api.url).port;
    expect((await fetch(`http://127.0.0.1:${port}/api/findings`)).status).toBe(401);
    const ok = await fetch(`http://127.0.0.1:${port}/api/findings`, {
      headers: { 'x-api-key': 'secret-key' },
    });
    expect(ok.status).toBe(200);
    controller.abort();
    await api.stop();
  });

  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['localhost', true],
    ['LocalHost', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['10.0.0.5', false],
  ])('isLoopback(%s) = %s', (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });
});
