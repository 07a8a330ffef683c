import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The shared fixtures live beside the repository (`../shared/fixtures`), also in CI where
 * shared/ is copied next to the clone. FLOWLENS_FIXTURES overrides the location.
 */
export function fixturesDir(): string {
  if (process.env.FLOWLENS_FIXTURES) return process.env.FLOWLENS_FIXTURES;
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const candidates = [join(repo, '..', 'shared', 'fixtures'), join(repo, 'test', 'fixtures', 'shared')];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`shared fixtures not found (looked in ${candidates.join(', ')})`);
  return found;
}

export function fixture(name: string): Buffer {
  return readFileSync(join(fixturesDir(), name));
}

export function fixtureNames(): string[] {
  return readdirSync(fixturesDir()).filter((n) => n !== 'README.md');
}
