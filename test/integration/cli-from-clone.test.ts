import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../harness/cli.js';

/**
 * README promise: in a clone, after `npm ci`, `npx flowlens <cmd>` works without a build. The clone
 * is the repository's files without dist/ (symlinked; bin/ copied so it cannot find the repository's
 * own dist/ through its location).
 */
describe('npx flowlens in a clone without dist/', () => {
  const clone = mkdtempSync(join(tmpdir(), 'flowlens-clone-'));
  afterAll(() => rmSync(clone, { recursive: true, force: true }));
  for (const entry of readdirSync(REPO_ROOT)) {
    if (['dist', 'bin', '.git', '.flowlens', '.cache'].includes(entry)) continue;
    symlinkSync(join(REPO_ROOT, entry), join(clone, entry));
  }
  cpSync(join(REPO_ROOT, 'bin'), join(clone, 'bin'), { recursive: true });

  it('prints the help and exits 0', () => {
    expect(existsSync(join(clone, 'dist'))).toBe(false);
    const r = spawnSync('npx', ['--no-install', 'flowlens', '--help'], { cwd: clone, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|at .*\.js:\d+/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: flowlens/);
    for (const command of ['ingest', 'analyze', 'report', 'serve', 'demo', 'rules', 'config']) {
      expect(r.stdout).toContain(command);
    }
  });

  it('runs a command and keeps its exit code (2 for a configuration error)', () => {
    const r = spawnSync(
      'npx',
      ['--no-install', 'flowlens', 'config', 'check', '--config', '/nonexistent.yaml'],
      {
        cwd: clone,
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('cannot read config file');
  });
});
