import { createRoute, z } from '@hono/zod-openapi';
import { ApiRoleSchema } from '../../../core/config/sections/api.js';
import type { AuditLog } from '../../audit/log.js';
import type { KeyStore } from '../../auth/keys.js';
import type { AuthMode } from '../../auth/mode.js';
import type { ApiApp } from '../../env.js';
import { ApiError } from '../../errors.js';
import { errorResponses } from '../common.js';

const KeyInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: ApiRoleSchema,
  createdBy: z.string(),
  createdAt: z.string(),
});

const listRoute = createRoute({
  method: 'get',
  path: '/api/keys',
  tags: ['keys'],
  summary: 'API keys stored in the database (admin); hashes are never returned',
  responses: {
    200: {
      description: 'Keys',
      content: { 'application/json': { schema: z.object({ keys: z.array(KeyInfoSchema) }) } },
    },
    ...errorResponses,
  },
});

const createKeyRoute = createRoute({
  method: 'post',
  path: '/api/keys',
  tags: ['keys'],
  summary: 'Create an API key (admin); the key is returned once, only its SHA-256 is stored',
  request: {
    body: {
      content: {
        'application/json': {
          schema: z.object({
            name: z
              .string()
              .min(1)
              .max(100)
              .regex(/^[\w .@-]+$/),
            role: ApiRoleSchema,
          }),
        },
      },
      required: true,
    },
  },
  responses: {
    201: {
      description: 'Created',
      content: { 'application/json': { schema: z.object({ id: z.string(), key: z.string() }) } },
    },
    ...errorResponses,
  },
});

const revokeRoute = createRoute({
  method: 'delete',
  path: '/api/keys/{id}',
  tags: ['keys'],
  summary: 'Revoke an API key (admin)',
  request: { params: z.object({ id: z.string().uuid() }) },
  responses: {
    200: {
      description: 'Revoked',
      content: { 'application/json': { schema: z.object({ revoked: z.boolean() }) } },
    },
    404: { description: 'No such key' },
    ...errorResponses,
  },
});

export function registerKeyRoutes(
  app: ApiApp,
  ctx: { keys: KeyStore; mode: AuthMode; audit: AuditLog },
): void {
  app.openapi(listRoute, async (c) => c.json({ keys: await ctx.keys.list() }, 200));
  app.openapi(createKeyRoute, async (c) => {
    const body = c.req.valid('json');
    const who = c.get('principal');
    const created = await ctx.keys.create(body.name, body.role, who.name);
    ctx.mode.strengthen();
    await ctx.audit.record(who, 'key.create', created.id, body, c.get('requestId'));
    return c.json(created, 201);
  });
  app.openapi(revokeRoute, async (c) => {
    const { id } = c.req.valid('param');
    const name = await ctx.keys.revoke(id);
    if (!name) throw new ApiError(404, 'not_found', 'no such key');
    await ctx.audit.record(c.get('principal'), 'key.revoke', id, { name }, c.get('requestId'));
    return c.json({ revoked: true }, 200);
  });
}
