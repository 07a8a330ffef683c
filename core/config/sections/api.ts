import { z } from 'zod';

export const API_ROLES = ['viewer', 'analyst', 'admin'] as const;
export const ApiRoleSchema = z.enum(API_ROLES);
export type ApiRole = z.infer<typeof ApiRoleSchema>;

/** An API key as stored: only its SHA-256 (keys are 256-bit random, so a fast hash is enough). */
export const ApiKeyConfigSchema = z
  .object({
    name: z.string().min(1),
    role: ApiRoleSchema,
    /** `sha256:<64 hex>` of the key; `flowlens api-key hash` prints it. */
    hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 lowercase hex digits>'),
  })
  .strict();

/**
 * Entra ID (or any OIDC issuer) bearer tokens, verified against the issuer's JWKS.
 * @see https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-tokens
 */
export const OidcConfigSchema = z
  .object({
    /** e.g. https://login.microsoftonline.com/<tenant>/v2.0 */
    issuer: z.url(),
    /** Application ID URI or client id the tokens are issued for. */
    audience: z.string().min(1),
    /** Defaults to the `jwks_uri` in the issuer's openid-configuration. */
    jwksUri: z.url().optional(),
    /** Claim holding app roles (`roles` for Entra ID app roles). */
    roleClaim: z.string().default('roles'),
    /** Claim value → flowlens role. */
    roleMap: z
      .record(z.string(), ApiRoleSchema)
      .default({ 'FlowLens.Viewer': 'viewer', 'FlowLens.Analyst': 'analyst', 'FlowLens.Admin': 'admin' }),
    /** Signature algorithms accepted (asymmetric only: a symmetric one would let the public key sign). */
    algorithms: z
      .array(
        z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']),
      )
      .min(1)
      .default(['RS256']),
    /** Allowed clock difference for `exp`, `nbf` and `iat` (which must not lie in the future). */
    clockSkewSeconds: z.number().int().min(0).max(600).default(60),
  })
  .strict();

export const ApiConfigSchema = z
  .object({
    /** Loopback unless configured: the API holds security data. */
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    auth: z
      .object({
        keys: z.array(ApiKeyConfigSchema).default([]),
        oidc: OidcConfigSchema.optional(),
        /**
         * With no keys and no OIDC, requests are served without credentials, but only on a
         * loopback host; set this to allow it on other hosts too (not recommended).
         */
        allowUnauthenticatedNonLoopback: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    /**
     * Host names (optionally `name:port`) besides loopback that requests may address. In local
     * (credential-less) mode only loopback hosts are served, which defeats DNS rebinding; when set,
     * the list applies in every mode. State-changing requests whose `Origin` is neither the request's
     * own host nor one of these are refused.
     */
    allowedHosts: z.array(z.string().min(1)).default([]),
    /** Requests per minute per caller (key, token subject or client address). */
    rateLimitPerMinute: z.number().int().min(1).default(1200),
    bodyLimitBytes: z
      .number()
      .int()
      .min(1024)
      .default(64 * 1024),
    /** Maximum rows one export streams. */
    exportMaxRows: z.number().int().min(1).default(1_000_000),
    /** Exports running at once; more get 429 (each holds one page of rows in memory). */
    exportConcurrency: z.number().int().min(1).max(64).default(2),
    /** Rows per page an export reads from ClickHouse: bounds its memory. */
    exportPageRows: z.number().int().min(100).max(1_000_000).default(10_000),
    /** An export nobody reads for this long is cancelled and frees its slot. */
    exportIdleSeconds: z.number().int().min(1).max(3600).default(60),
  })
  .strict();

export type ApiConfig = z.infer<typeof ApiConfigSchema>;
