import type { ApiRole } from '../../core/config/sections/api.js';

/** Who is calling: recorded on every status change (audit) and used for role checks. */
export interface Principal {
  /** Stable id: `key:<id>`, `oidc:<sub>`, or `local` for the unauthenticated loopback mode. */
  id: string;
  /** Human-readable name for audit trails (key name, token `preferred_username`/`upn`, …). */
  name: string;
  role: ApiRole;
  kind: 'key' | 'oidc' | 'local';
}

const RANK: Record<ApiRole, number> = { viewer: 1, analyst: 2, admin: 3 };

export function hasRole(principal: Principal, needed: ApiRole): boolean {
  return RANK[principal.role] >= RANK[needed];
}

/** The highest of several roles (a token may carry more than one app role). */
export function highestRole(roles: readonly ApiRole[]): ApiRole | undefined {
  return [...roles].sort((a, b) => RANK[b] - RANK[a])[0];
}
