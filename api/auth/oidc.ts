import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import type { z } from 'zod';
import { type Clock, systemClock } from '../../core/clock.js';
import type { ApiRole, OidcConfigSchema } from '../../core/config/sections/api.js';
import { highestRole, type Principal } from './principal.js';

type OidcConfig = z.infer<typeof OidcConfigSchema>;

/** Why a token was refused; the message stays generic toward the client. */
export class TokenError extends Error {
  constructor(
    message: string,
    readonly kind: 'invalid' | 'no-role',
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

export interface OidcVerifier {
  verify(token: string): Promise<Principal>;
}

/**
 * Verifies bearer JWTs from an OIDC issuer (Entra ID): signature against the issuer's JWKS,
 * `iss`, `aud`, `exp`/`nbf`, a required `exp` and `iat` (not in the future beyond the skew), an
 * algorithm from `algorithms`, then maps app roles to a flowlens role.
 * @see https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-tokens
 * @see https://github.com/panva/jose/blob/main/docs/jwks/remote/functions/createRemoteJWKSet.md
 */
export function createOidcVerifier(config: OidcConfig, now: Clock = systemClock): OidcVerifier {
  let jwks: ReturnType<typeof createRemoteJWKSet> | null = null;
  const keySet = async () => {
    jwks ??= createRemoteJWKSet(new URL(config.jwksUri ?? (await discoverJwksUri(config.issuer))));
    return jwks;
  };
  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, await keySet(), {
          issuer: config.issuer,
          audience: config.audience,
          algorithms: config.algorithms,
          clockTolerance: config.clockSkewSeconds,
          requiredClaims: ['exp', 'iat'],
          currentDate: now(),
        }));
        checkIssuedAt(payload, now(), config.clockSkewSeconds);
      } catch (err) {
        throw new TokenError(`token rejected: ${(err as Error).message}`, 'invalid');
      }
      const role = roleOf(payload, config);
      if (!role) throw new TokenError('token carries no flowlens role', 'no-role');
      const sub = String(payload.oid ?? payload.sub ?? 'unknown');
      const name = String(payload.preferred_username ?? payload.upn ?? payload.name ?? sub);
      return { id: `oidc:${sub}`, name, role, kind: 'oidc' };
    },
  };
}

function checkIssuedAt(payload: JWTPayload, now: Date, skewSeconds: number): void {
  if (typeof payload.iat !== 'number' || payload.iat > now.getTime() / 1000 + skewSeconds) {
    throw new Error('"iat" lies in the future');
  }
}

function roleOf(payload: JWTPayload, config: OidcConfig): ApiRole | undefined {
  const claim = payload[config.roleClaim];
  const values = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(' ') : [];
  const roles = values.flatMap((v) => {
    const mapped = config.roleMap[String(v)];
    return mapped ? [mapped] : [];
  });
  return highestRole(roles);
}

async function discoverJwksUri(issuer: string): Promise<string> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new TokenError(`OIDC discovery failed: HTTP ${res.status}`, 'invalid');
  const doc = (await res.json()) as { jwks_uri?: unknown };
  if (typeof doc.jwks_uri !== 'string') throw new TokenError('OIDC discovery has no jwks_uri', 'invalid');
  return doc.jwks_uri;
}
