import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../harness/cli.js';

interface LockPackage {
  optionalDependencies?: Record<string, string>;
}

/**
 * `npm ci` refuses a lockfile that lacks an entry for any optional dependency, even one for another
 * platform. This workplace's registry does not serve chdb's macOS / arm64 engine packages, so
 * `npm install` here drops them from the lock and the README's `npm ci` breaks; their entries are
 * kept by hand (docs/architecture.md "Dependencies"). This test catches the next `npm install` that loses them.
 */
describe('package-lock.json', () => {
  it('has an entry for every optional dependency, so npm ci works on a fresh clone', () => {
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, LockPackage>;
    };
    const missing: string[] = [];
    for (const [path, pkg] of Object.entries(lock.packages)) {
      for (const dep of Object.keys(pkg.optionalDependencies ?? {})) {
        const nested = `${path ? `${path}/` : ''}node_modules/${dep}`;
        if (!lock.packages[nested] && !lock.packages[`node_modules/${dep}`])
          missing.push(`${dep} (needed by ${path || 'root'})`);
      }
    }
    expect(missing).toEqual([]);
  });
});
