import type { ApiRole } from '../core/config/sections/api.js';

/**
 * The role each request needs, by method and path; `null` = public. Public: liveness/readiness,
 * the OpenAPI document and docs page, and the dashboards' static files (they hold no data).
 */
export function requiredRole(method: string, path: string): ApiRole | null {
  if (path === '/healthz' || path === '/readyz') return null;
  if (path === '/api/openapi.json' || path === '/api/docs' || path.startsWith('/api/docs/')) return null;
  if (path === '/metrics') return 'viewer';
  if (path === '/api/keys' || path.startsWith('/api/keys/')) return 'admin';
  if (path === '/api/audit' || path.startsWith('/api/audit/')) return 'admin';
  if (!path.startsWith('/api/')) return null;
  const writes = method !== 'GET' && method !== 'HEAD';
  return writes ? 'analyst' : 'viewer';
}
