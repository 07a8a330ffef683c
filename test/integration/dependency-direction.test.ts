import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

/** Bare package names a product file loads at run time (`import type` is erased, so it doesn't count). */
function runtimePackages(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^(?:import|export)(?!\s+type\b)[^'\n]*?from\s*'([^.'][^']*)'/gm)].map(
    (m) => m[1]!,
  );
  return specs
    .filter((s) => !s.startsWith('node:'))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!));
}

describe('runtime dependencies', () => {
  it('every package product code imports at run time is in `dependencies` (not only devDependencies)', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const files = [...Object.keys(ALLOWED), 'cli'].flatMap(productFiles);
    const missing = files.flatMap((f) =>
      runtimePackages(f)
        .filter((p) => !(p in pkg.dependencies))
        .map((p) => `${relative(root, f)} → ${p}`),
    );
    expect(files.some((f) => runtimePackages(f).includes('yaml'))).toBe(true);
    expect(missing).toEqual([]);
  });
});

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

/** Relative imports of a file, as repository paths of .ts files. */
function localImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)]
    .map((m) => resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')))
    .filter((f) => existsSync(f));
}

/** One import cycle among the files, as a path list, or [] when there is none. */
function findCycle(files: string[]): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): string[] => {
    if (state.get(f) === 'done') return [];
    if (state.get(f) === 'open') return [...stack.slice(stack.indexOf(f)), f].map((x) => relative(root, x));
    state.set(f, 'open');
    stack.push(f);
    for (const next of localImports(f)) {
      const cycle = visit(next);
      if (cycle.length) return cycle;
    }
    stack.pop();
    state.set(f, 'done');
    return [];
  };
  for (const f of files) {
    const cycle = visit(f);
    if (cycle.length) return cycle;
  }
  return [];
}

describe('import cycles', () => {
  it('the dashboard pages and UI modules import each other without a cycle', () => {
    const files = productFiles('dashboards/src');
    expect(files.length).toBeGreaterThan(5);
    expect(findCycle(files)).toEqual([]);
  });
});
