import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startStatusServer } from './status-server.js';

describe('status server', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it('serves /healthz, /metrics and 404 for anything else', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ app: 'flowlens-test' });
    const server = await startStatusServer(registry, '127.0.0.1', 0);
    stop = server.stop;
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toBe(registry.contentType);
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });

  it('answers /readyz and the flowlens_ready gauge from the readiness check: 200/1 when it resolves, 503/0 when it rejects', async () => {
    let up = true;
    const ready = () => (up ? Promise.resolve() : Promise.reject(new Error('database down')));
    const server = await startStatusServer(new Registry(), '127.0.0.1', 0, ready);
    stop = server.stop;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    up = false;
    const down = await fetch(`${server.url}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'not ready' });
    expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/^flowlens_ready 0$/m);
    up = true;
    expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/^flowlens_ready 1$/m);
  });
});
