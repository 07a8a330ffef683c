import { createRoute, z } from '@hono/zod-openapi';
import { appliedVersions } from '../../../core/clickhouse/migrate.js';
import { MIGRATIONS } from '../../../core/clickhouse/migrations/index.js';
import type { ApiDeps } from '../../deps.js';
import type { ApiApp } from '../../env.js';

export const ReadyResponseSchema = z.object({
  ready: z.boolean(),
  checks: z.object({ database: z.boolean(), migrations: z.boolean() }),
  pendingMigrations: z.array(z.string()),
});

const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['system'],
  summary: 'Liveness: the process answers',
  responses: {
    200: { description: 'Alive', content: { 'application/json': { schema: z.object({ ok: z.boolean() }) } } },
  },
});

const readyRoute = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['system'],
  summary: 'Readiness: database reachable and every migration applied',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: ReadyResponseSchema } } },
    503: { description: 'Not ready', content: { 'application/json': { schema: ReadyResponseSchema } } },
  },
});

const metricsRoute = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['system'],
  summary: 'Prometheus metrics (text exposition format)',
  responses: { 200: { description: 'Metrics', content: { 'text/plain': { schema: z.string() } } } },
});

export function registerSystemRoutes(app: ApiApp, deps: ApiDeps): void {
  app.openapi(healthRoute, (c) => c.json({ ok: true }, 200));
  app.openapi(readyRoute, async (c) => {
    let database = false;
    let pending = MIGRATIONS.map((m) => m.version);
    try {
      const applied = new Set(await appliedVersions(deps.db.client));
      database = true;
      pending = pending.filter((v) => !applied.has(v));
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, 'readiness check failed');
    }
    const body = {
      ready: database && pending.length === 0,
      checks: { database, migrations: database && pending.length === 0 },
      pendingMigrations: pending,
    };
    return c.json(body, body.ready ? 200 : 503);
  });
  app.openapi(metricsRoute, async (c) => {
    const text = await deps.metrics.registry.metrics();
    return c.text(text, 200, { 'Content-Type': deps.metrics.registry.contentType });
  });
}
