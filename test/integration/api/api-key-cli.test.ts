import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { hashKey } from '../../../api/auth/keys.js';
import { main } from '../../../cli/main.js';
import { openDb } from '../../../core/clickhouse/client.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlens-apikey-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await main(['node', 'flowlens', '--db', dir, '--log-level', 'silent', ...args]);
    return { code, out };
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
}

describe('flowlens api-key', () => {
  it('creates a key shown once, lists it without the key, revokes it', async () => {
    const created = await cli('api-key', 'create', '--name', 'ci', '--role', 'analyst');
    expect(created.code).toBe(0);
    const key = created.out.trim();
    expect(key).toMatch(/^flk_[\w-]{43}$/);
    const listed = await cli('api-key', 'list');
    const [id, role, name] = listed.out.trim().split('\t');
    expect([role, name]).toEqual(['analyst', 'ci']);
    expect(listed.out).not.toContain(key);
    expect((await cli('api-key', 'revoke', id!)).code).toBe(0);
    expect((await cli('api-key', 'list')).out).toBe('');
    expect((await cli('api-key', 'revoke', id!)).code).toBe(1);
    expect(hashKey(key)).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Audited like the API's key changes (docs/api.md): one row each, actor `cli`; the failed
    // second revoke changed nothing and records nothing.
    const db = openDb({ kind: 'embedded', path: dir });
    try {
      const rs = await db.client.query({
        query: 'SELECT actor, actor_kind, action, target, detail FROM api_audit ORDER BY time, action',
        format: 'JSONEachRow',
      });
      const audit = await rs.json<Record<string, string>>();
      expect(audit.map((r) => [r.actor, r.actor_kind, r.action, r.target])).toEqual([
        ['cli', 'cli', 'key.create', id],
        ['cli', 'cli', 'key.revoke', id],
      ]);
      expect(JSON.parse(audit[0]!.detail!)).toEqual({ name: 'ci', role: 'analyst' });
      expect(JSON.stringify(audit)).not.toContain(key);
    } finally {
      await db.close();
    }
  });

  it('refuses an unknown role (usage error)', async () => {
    expect((await cli('api-key', 'create', '--name', 'x', '--role', 'root')).code).toBe(2);
  });
});
