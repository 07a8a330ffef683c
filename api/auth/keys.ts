import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../core/clickhouse/client.js';
import type { ApiConfig, ApiRole } from '../../core/config/sections/api.js';
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
    const [row] = await this.rows('SELECT count() AS n FROM api_keys');
    return Number(row?.n ?? 0) > 0;
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
    const [row] = await this.rows('SELECT * FROM api_keys FINAL WHERE id = {id:String} AND NOT revoked', {
      id,
    });
    if (!row) return null;
    const updated = { ...row, revoked: true, updated_at: new Date(this.clock()).toISOString() };
    await this.db.client.insert({
      table: 'api_keys',
      values: [updated],
      format: 'JSONEachRow',
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
    this.cache = null;
    return String(row.name);
  }

  async list(): Promise<KeyInfo[]> {
    const rows = await this.rows(
      'SELECT id, name, role, created_by, created_at FROM api_keys FINAL WHERE NOT revoked ORDER BY created_at',
    );
    return rows.map((r) => ({
      id: String(r.id),
      name: String(r.name),
      role: r.role as ApiRole,
      createdBy: String(r.created_by),
      createdAt: String(r.created_at),
    }));
  }

  private async tableKeys(): Promise<StoredKey[]> {
    const now = this.clock();
    if (this.cache && now - this.cache.at < KeyStore.CACHE_MS) return this.cache.keys;
    const rows = await this.rows('SELECT id, name, role, hash FROM api_keys FINAL WHERE NOT revoked');
    const keys = rows.map((r) => ({
      id: String(r.id),
      name: String(r.name),
      role: r.role as ApiRole,
      hash: String(r.hash),
    }));
    this.cache = { at: now, keys };
    return keys;
  }

  private async rows(
    query: string,
    params: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>[]> {
    const rs = await this.db.client.query({ query, query_params: params, format: 'JSONEachRow' });
    return rs.json<Record<string, unknown>>();
  }
}
