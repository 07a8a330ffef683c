import { getConnInfo } from '@hono/node-server/conninfo';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { systemClock } from '../core/clock.js';
import { AuditLog } from './audit/log.js';
import { KeyStore } from './auth/keys.js';
import { authenticate } from './auth/middleware.js';
import { AuthMode } from './auth/mode.js';
import { createOidcVerifier } from './auth/oidc.js';
import type { ApiDeps } from './deps.js';
import type { ApiApp, ApiEnv } from './env.js';
import { ApiError, describeIssues, errorBody, errorResponse } from './errors.js';
import { hostGuard } from './middleware/host-guard.js';
import { requestMetrics } from './middleware/metrics.js';
import { rateLimits } from './middleware/rate-limit.js';
import { requiredRole } from './roles.js';
import { registerRoutes } from './routes/index.js';
import { registerApiDocs, registerDashboards } from './static.js';

/** Content-Security-Policy: everything from this origin, no inline scripts, no framing. */
const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
};

/**
 * Builds the HTTP API (hono + zod, OpenAPI 3). Inert: no sockets, no timers; `startApi` serves it.
 * @see https://hono.dev/examples/zod-openapi
 */
export function createApi(deps: ApiDeps): ApiApp {
  const now = deps.now ?? systemClock;
  const keys = deps.keys ?? new KeyStore(deps.db, deps.config.api);
  const mode = deps.authMode ?? new AuthMode(keys);
  const audit = deps.audit ?? new AuditLog(deps.db, deps.logger, now);
  const app: ApiApp = new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        return c.json(errorBody(c, 'invalid_request', describeIssues(result.error)), 400);
      }
    },
  });
  app.use('*', requestId());
  app.use('*', secureHeaders({ contentSecurityPolicy: CSP, crossOriginEmbedderPolicy: false }));
  app.use('*', requestMetrics(deps.metrics.registry));
  app.use('*', hostGuard({ allowedHosts: deps.config.api.allowedHosts, localMode: localMode(mode) }));
  const limits = rateLimits({ perMinute: deps.config.api.rateLimitPerMinute, clientAddress });
  app.use('/api/*', limits.byAddress);
  app.use('/metrics', limits.byAddress);
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: deps.config.api.bodyLimitBytes,
      onError: () => {
        throw new ApiError(
          413,
          'payload_too_large',
          `request body over ${deps.config.api.bodyLimitBytes} bytes`,
        );
      },
    }),
  );
  const oidc = deps.config.api.auth.oidc ? createOidcVerifier(deps.config.api.auth.oidc) : null;
  app.use('*', authenticate({ keys, mode, oidc, required: requiredRole }));
  app.use('/api/*', limits.byCaller);
  app.use('/metrics', limits.byCaller);
  app.onError((err, c) => handleError(err, c, deps));
  app.notFound((c) => c.json(errorBody(c, 'not_found', 'no such resource'), 404));

  registerRoutes(app, { ...deps, now }, { keys, mode, audit });
  app.doc('/api/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: 'flowlens API',
      version: '1',
      description: 'Azure flow logs → security answers. See docs/api.md.',
    },
    security: [{ bearer: [] }, { apiKey: [] }],
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
  });
  registerApiDocs(app);
  if (deps.dashboardsDir) registerDashboards(app, deps.dashboardsDir);
  return app;
}

function localMode(mode: AuthMode): () => Promise<boolean> {
  return async () => !(await mode.requiresCredentials());
}

function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function handleError(err: Error, c: Context<ApiEnv>, deps: ApiDeps): Response {
  if (err instanceof ApiError) return errorResponse(c, err);
  if (err instanceof HTTPException && err.status < 500) {
    // Hono's own 4xx (e.g. a body that is not JSON): keep the status, use the envelope.
    const code =
      err.status === 413 ? 'payload_too_large' : err.status === 401 ? 'unauthenticated' : 'invalid_request';
    return c.json(errorBody(c, code, err.status === 400 ? 'malformed request' : err.message), err.status);
  }
  // Unexpected: log with the request id, answer without internals (no stack, no SQL, no versions).
  deps.logger.error({ requestId: c.get('requestId'), err: err.message }, 'request failed');
  return c.json(errorBody(c, 'internal', 'internal error; quote the requestId when reporting'), 500);
}
