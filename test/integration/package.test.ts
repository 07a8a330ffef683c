import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../harness/cli.js';

/**
 * `npm pack` must produce a package whose `flowlens` binary runs from compiled JavaScript (what
 * `npx flowlens` and the Docker image execute), not from the TypeScript sources.
 */
describe('npm pack', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-pack-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('packs compiled code, dashboards and the bin, and the bin runs', () => {
    execFileSync('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: REPO_ROOT, stdio: 'pipe' });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    expect(tarball).toMatch(/^flowlens-\d+\.\d+\.\d+\.tgz$/);
    execFileSync('tar', ['-xzf', join(dir, tarball!), '-C', dir]);
    const pkg = join(dir, 'package');
    const files = execFileSync('tar', ['-tzf', join(dir, tarball!)], { encoding: 'utf8' }).split('\n');
    expect(files).toContain('package/dist/cli/main.js');
    expect(files).toContain('package/dashboards/dist/index.html');
    expect(files.some((f) => f.endsWith('.test.js') || f.startsWith('package/test/'))).toBe(false);
    expect(files.some((f) => /^package\/(core|ingest|cli)\/.*\.ts$/.test(f))).toBe(false);

    // Dependencies as `npm install` would place them; the registry is not needed for this check.
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(pkg, 'node_modules'));
    const help = spawnSync(process.execPath, [join(pkg, 'bin', 'flowlens.js'), '--help'], {
      encoding: 'utf8',
    });
    expect(help.status).toBe(0);
    for (const command of ['ingest', 'analyze', 'report', 'serve', 'run', 'demo', 'rules', 'config']) {
      expect(help.stdout).toContain(command);
    }
    const bad = spawnSync(
      process.execPath,
      [join(pkg, 'bin', 'flowlens.js'), 'config', 'check', '--config', '/nonexistent.yaml'],
      {
        encoding: 'utf8',
      },
    );
    expect(bad.status).toBe(2);
  }, 300_000);
});
