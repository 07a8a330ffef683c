import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_MALLOC_CONF, engineMallocConf, MALLOC_CONF_VARIABLE } from './engine-memory.js';

describe('engineMallocConf', () => {
  it('gives the engine default when the operator set nothing', () => {
    expect(engineMallocConf({})).toBe(ENGINE_MALLOC_CONF);
    expect(engineMallocConf({ [MALLOC_CONF_VARIABLE]: '' })).toBe(ENGINE_MALLOC_CONF);
  });

  it("keeps the operator's own options", () => {
    expect(engineMallocConf({ [MALLOC_CONF_VARIABLE]: 'dirty_decay_ms:1234' })).toBe('dirty_decay_ms:1234');
  });
});

/**
 * The options only count if they reach jemalloc before chDB's library loads. Each case is a fresh
 * Node process (the library loads once per process) that opens the embedded engine through
 * `openDb`, as every flowlens command does, and reads what jemalloc itself says it runs with.
 */
describe('the embedded engine loads with them', () => {
  let dir = '';
  let script = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowlens-engine-memory-'));
    script = join(dir, 'probe.mts');
    const client = fileURLToPath(new URL('./client.ts', import.meta.url));
    writeFileSync(
      script,
      `import { openDb } from ${JSON.stringify(client)};
const db = openDb({ kind: 'embedded', path: process.argv[2] });
const rs = await db.client.query({ query: 'SELECT * FROM system.jemalloc_stats', format: 'TabSeparatedRaw' });
const line = (await rs.text()).split('\\n').find((l) => l.trim().startsWith('opt.dirty_decay_ms:'));
await db.close();
process.stdout.write(line?.trim() ?? 'no opt.dirty_decay_ms line');
`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const probe = (own: string | undefined, name: string) => {
    const env = { ...process.env };
    delete env[MALLOC_CONF_VARIABLE];
    if (own !== undefined) env[MALLOC_CONF_VARIABLE] = own;
    const args = ['--import', 'tsx', script, join(dir, name)];
    return execFileSync(process.execPath, args, { env, encoding: 'utf8', timeout: 60_000 });
  };

  it('with the flowlens default when the environment names none', () => {
    expect(ENGINE_MALLOC_CONF).toBe('dirty_decay_ms:200');
    expect(probe(undefined, 'default')).toMatch(/^opt\.dirty_decay_ms: 200\b/);
  });

  it("with the operator's JE_MALLOC_CONF when set", () => {
    expect(probe('dirty_decay_ms:1234', 'own')).toMatch(/^opt\.dirty_decay_ms: 1234\b/);
  });
});
