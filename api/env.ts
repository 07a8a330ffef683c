import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Principal } from './auth/principal.js';

/** Per-request values the middleware sets. */
export interface ApiEnv {
  Variables: { requestId: string; principal: Principal };
}

export type ApiApp = OpenAPIHono<ApiEnv>;
