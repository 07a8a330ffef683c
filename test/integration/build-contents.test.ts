import { execFileSync } from 'node:child_process';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('what `npm run build` compiles into dist/', () => {
  it('ships no tests, test harness or test helpers (a product import would pull them back in)', () => {
    const out = execFileSync(
      process.execPath,
      [resolve(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--listFilesOnly'],
      { cwd: root, encoding: 'utf8' },
    );
    const ours = out
      .split('\n')
      .filter((f) => f.startsWith(root) && !f.includes('/node_modules/'))
      .map((f) => relative(root, f));
    expect(ours).toContain('core/findings/page.ts');
    expect(ours.filter((f) => /(^|\/)(test|bench)\/|\.test\.ts$|test-context\.ts$/.test(f))).toEqual([]);
  }, 60_000);
});
