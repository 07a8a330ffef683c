import type { KeyStore } from '../auth/keys.js';
import type { ApiDeps } from '../deps.js';
import type { ApiApp } from '../env.js';
import { registerSystemRoutes } from './system/routes.js';
import { registerTrafficRoutes } from './traffic/routes.js';

/** Every resource's routes; a resource is a folder plus one line here. */
export function registerRoutes(app: ApiApp, deps: ApiDeps & { now: () => Date }, keys: KeyStore): void {
  registerSystemRoutes(app, deps);
  registerTrafficRoutes(app, deps, deps.now);
  void keys;
}
