import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * docs/architecture.md: `core` ← `ingest`, `analyze`, `api` ← `cli`; `simulator` imports only
 * `core`. Product files (not tests) may import only their own folder and the ones listed here.
 */
const ALLOWED: Record<string, string[]> = {
  core: ['core'],
  ingest: ['core', 'ingest'],
  analyze: ['core', 'analyze'],
  api: ['core', 'api'],
  simulator: ['core', 'simulator'],
};
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function productFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name));
}

function importedFolders(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) => relative(root, resolve(dirname(file), s)).split('/')[0]!);
}

describe('dependency direction', () => {
  it.each(Object.keys(ALLOWED))('%s/ imports only what docs/architecture.md allows', (dir) => {
    const files = productFiles(dir);
    expect(files.length).toBeGreaterThan(0);
    const wrong = files.flatMap((f) =>
      importedFolders(f)
        .filter((to) => !ALLOWED[dir]!.includes(to))
        .map((to) => `${relative(root, f)} → ${to}/`),
    );
    expect(wrong).toEqual([]);
  });
});
