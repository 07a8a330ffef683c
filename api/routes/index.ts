import type { AuditLog } from '../audit/log.js';
import type { KeyStore } from '../auth/keys.js';
import type { AuthMode } from '../auth/mode.js';
import type { ApiDeps } from '../deps.js';
import type { ApiApp } from '../env.js';
import { registerAuditRoutes } from './audit/routes.js';
import { registerFilterRoutes } from './filter/routes.js';
import { registerFindingRoutes } from './findings/routes.js';
import { registerFlowRoutes } from './flows/routes.js';
import { registerIncidentRoutes } from './incidents/routes.js';
import { registerIngestRoutes } from './ingest/routes.js';
import { registerKeyRoutes } from './keys/routes.js';
import { registerRuleRoutes } from './rules/routes.js';
import { registerSystemRoutes } from './system/routes.js';
import { registerTrafficRoutes } from './traffic/routes.js';

/** Every resource's routes; a resource is a folder plus one line here. */
export interface RouteContext {
  keys: KeyStore;
  mode: AuthMode;
  audit: AuditLog;
}

export function registerRoutes(app: ApiApp, deps: ApiDeps & { now: () => Date }, ctx: RouteContext): void {
  registerSystemRoutes(app, deps);
  registerTrafficRoutes(app, deps, deps.now);
  registerFlowRoutes(app, deps, deps.now);
  registerFindingRoutes(app, deps, deps.now, ctx.audit);
  registerIncidentRoutes(app, deps);
  registerRuleRoutes(app, deps, deps.now);
  registerIngestRoutes(app, deps, deps.now);
  registerFilterRoutes(app, deps, deps.now);
  registerKeyRoutes(app, ctx);
  registerAuditRoutes(app, ctx.audit, deps.now);
}
