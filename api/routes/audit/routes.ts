import { createRoute, z } from '@hono/zod-openapi';
import type { AuditLog } from '../../audit/log.js';
import type { ApiApp } from '../../env.js';
import { errorResponses, windowParam } from '../common.js';

const AuditEventSchema = z.object({
  time: z.string(),
  actor: z.string(),
  actorKind: z.string(),
  action: z.string(),
  target: z.string(),
  detail: z.record(z.string(), z.unknown()),
  requestId: z.string(),
});

const auditRoute = createRoute({
  method: 'get',
  path: '/api/audit',
  tags: ['audit'],
  summary: 'Audit trail (admin): key creation and revocation, status changes, suppressions, config loads',
  request: {
    query: z.object({
      from: z
        .string()
        .max(40)
        .optional()
        .openapi({ description: 'ISO-8601 or now-<n><unit>; default now-24h' }),
      to: z.string().max(40).optional().openapi({ description: 'ISO-8601 or now; default now' }),
      action: z.string().max(40).optional(),
      actor: z.string().max(200).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
  },
  responses: {
    200: {
      description: 'Events, newest first',
      content: { 'application/json': { schema: z.object({ events: z.array(AuditEventSchema) }) } },
    },
    ...errorResponses,
  },
});

export function registerAuditRoutes(app: ApiApp, audit: AuditLog, now: () => Date): void {
  app.openapi(auditRoute, async (c) => {
    const q = c.req.valid('query');
    const window = windowParam(q, now());
    const events = await audit.list({ ...window, action: q.action, actor: q.actor, limit: q.limit });
    return c.json({ events }, 200);
  });
}
