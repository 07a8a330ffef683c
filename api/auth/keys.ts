import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../core/clickhouse/client.js';
import { count, query } from '../../core/clickhouse/query.js';
import { type ApiConfig, type ApiRole, ApiRoleSchema } from '../../core/config/sections/api.js';
import type { Principal } from './principal.js';

/** `sha256:<hex>` of a key: what config files and the `api_keys` table store. */
export function hashKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/** A new random key (256 bits). Shown once; only its hash is kept. */
export function generateKey(): string {
  return `flk_${randomBytes(32).toString('base64url')}`;
}

interface StoredKey {
  id: string;
  name: string;
  role: ApiRole;
  hash: string;
}

const KeyRow = z.object({
  id: z.string(),
  name: z.string(),
  role: ApiRoleSchema,
  hash: z.string(),
  created_by: z.string(),
  created_at: z.string(),
});
const LIVE_KEYS = 'SELECT id, name, role, hash, created_by, created_at FROM api_keys FINAL WHERE NOT revoked';

export interface KeyInfo {
  id: string;
  name: string;
  role: ApiRole;
  createdBy: string;
  createdAt: string;
}

/**
 * API keys from configuration and from the `api_keys` table. Table keys are cached briefly, so a
 * revoked key stops working within {@link CACHE_MS}.
 */
export class KeyStore {
  private cache: { at: number; keys: StoredKey[] } | null = null;
  private static readonly CACHE_MS = 5_000;

  constructor(
    private readonly db: Db,
    private readonly config: ApiConfig,
    private readonly clock: () => number = Date.now,
  ) {}

  async lookup(key: string): Promise<Principal | null> {
    const hash = hashKey(key);
    const fromConfig = this.config.auth.keys.find((k) => k.hash === hash);
    if (fromConfig)
      return { id: `key:${fromConfig.name}`, name: fromConfig.name, role: fromConfig.role, kind: 'key' };
    const stored = (await this.tableKeys()).find((k) => k.hash === hash);
    return stored ? { id: `key:${stored.id}`, name: stored.name, role: stored.role, kind: 'key' } : null;
  }

  /**
   * True when a credential was ever configured: config keys, OIDC, or any `api_keys` row including
   * revoked ones. The auth mode is decided on this, so revocations never make the server anonymous.
   */
  async everConfigured(): Promise<boolean> {
    if (this.config.auth.keys.length > 0 || this.config.auth.oidc) return true;
    return (await count(this.db.client, 'SELECT count() AS n FROM api_keys')) > 0;
  }

  async create(name: string, role: ApiRole, createdBy: string): Promise<{ id: string; key: string }> {
    const key = generateKey();
    const id = randomUUID();
    const now = new Date(this.clock()).toISOString();
    await this.db.client.insert({
      table: 'api_keys',
      values: [
        { id, name, role, hash: hashKey(key), created_by: createdBy, created_at: now, updated_at: now },
      ],
      format: 'JSONEachRow',
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
    this.cache = null;
    return { id, key };
  }

  /** Revokes a key; returns its name (for the audit trail) or null when there is no such live key. */
  async revoke(id: string): Promise<string | null> {
    const [row] = await this.rows(`${LIVE_KEYS} AND id = {id:String}`, { id });
    if (!row) return null;
    const updated = { ...row, revoked: true, updated_at: new Date(this.clock()).toISOString() };
    await this.db.client.insert({
      table: 'api_keys',
      values: [updated],
      format: 'JSONEachRow',
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
    this.cache = null;
    return row.name;
  }

  async list(): Promise<KeyInfo[]> {
    const rows = await this.rows(`${LIVE_KEYS} ORDER BY created_at`);
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      role: r.role,
      createdBy: r.created_by,
      createdAt: r.created_at,
    }));
  }

  private async tableKeys(): Promise<StoredKey[]> {
    const now = this.clock();
    if (this.cache && now - this.cache.at < KeyStore.CACHE_MS) return this.cache.keys;
    const keys = (await this.rows(LIVE_KEYS)).map(({ id, name, role, hash }) => ({ id, name, role, hash }));
    this.cache = { at: now, keys };
    return keys;
  }

  private rows(sql: string, params: Record<string, unknown> = {}): Promise<z.infer<typeof KeyRow>[]> {
    return query(this.db.client, { sql, params, row: KeyRow });
  }
}
