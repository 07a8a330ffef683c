import type { MiddlewareHandler } from 'hono';
import type { ApiRole } from '../../core/config/sections/api.js';
import { ApiError } from '../errors.js';
import type { KeyStore } from './keys.js';
import type { AuthMode } from './mode.js';
import type { OidcVerifier } from './oidc.js';
import { TokenError } from './oidc.js';
import { hasRole, type Principal } from './principal.js';

export interface AuthVariables {
  principal: Principal;
}

/** The credential a request carries (bearer token or `X-API-Key`), if any. */
export function credentialOf(
  authorization: string | undefined,
  apiKey: string | undefined,
): string | undefined {
  return authorization?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? apiKey;
}

const LOCAL: Principal = {
  id: 'local',
  name: 'local (no credentials configured)',
  role: 'admin',
  kind: 'local',
};

/**
 * Resolves the caller from `Authorization: Bearer <key|JWT>` or `X-API-Key`, and enforces the
 * role the route needs. Only in local mode (no credential ever configured, see {@link AuthMode})
 * do callers without a credential act as `local` admin: the server only starts like that on a
 * loopback address (see server.ts), and the host guard admits only loopback hosts then.
 */
export function authenticate(opts: {
  keys: KeyStore;
  mode: AuthMode;
  oidc: OidcVerifier | null;
  required: (method: string, path: string) => ApiRole | null;
}): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const needed = opts.required(c.req.method, c.req.path);
    if (!needed) return next();
    const principal = await resolve(c.req.header('authorization'), c.req.header('x-api-key'), opts);
    if (!hasRole(principal, needed)) {
      throw new ApiError(403, 'forbidden', `this action needs the ${needed} role`);
    }
    c.set('principal', principal);
    return next();
  };
}

async function resolve(
  authorization: string | undefined,
  apiKey: string | undefined,
  opts: { keys: KeyStore; mode: AuthMode; oidc: OidcVerifier | null },
): Promise<Principal> {
  const credential = credentialOf(authorization, apiKey);
  if (!credential) {
    if (!(await opts.mode.requiresCredentials())) return LOCAL;
    throw new ApiError(401, 'unauthenticated', 'an API key or bearer token is required');
  }
  if (credential.split('.').length === 3 && opts.oidc) {
    try {
      return await opts.oidc.verify(credential);
    } catch (err) {
      if (err instanceof TokenError && err.kind === 'no-role') {
        throw new ApiError(403, 'forbidden', 'the token carries no flowlens role');
      }
      throw new ApiError(401, 'unauthenticated', 'the bearer token is not valid');
    }
  }
  const principal = await opts.keys.lookup(credential);
  if (!principal) throw new ApiError(401, 'unauthenticated', 'unknown API key');
  return principal;
}
