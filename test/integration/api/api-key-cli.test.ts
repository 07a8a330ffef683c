import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { hashKey } from '../../../api/auth/keys.js';
import { main } from '../../../cli/main.js';

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
  });

  it('refuses an unknown role (usage error)', async () => {
    expect((await cli('api-key', 'create', '--name', 'x', '--role', 'root')).code).toBe(2);
  });
});
