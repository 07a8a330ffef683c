import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * An export nothing uses is dead code that still has to be read and kept compiling. Cheap check
 * without the compiler: a product export whose name occurs nowhere else in the TypeScript sources
 * (its own file included, tests and benches counted as users) is unused. Names that only occur in
 * comments slip through; that is the price of not building a program (seconds per run).
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PRODUCT = ['core', 'ingest', 'analyze', 'api', 'cli', 'simulator', 'dashboards/src'];
const SOURCES = [...PRODUCT, 'test', 'bench'];

function tsFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

const DECLARED =
  /^export\s+(?:declare\s+)?(?:async\s+)?(?:const|let|function\*?|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm;

describe('exports', () => {
  it('every exported name of product code is used somewhere', () => {
    const uses = new Map<string, number>();
    for (const file of SOURCES.flatMap(tsFiles)) {
      for (const word of readFileSync(join(root, file), 'utf8').match(/[A-Za-z_$][\w$]*/g) ?? []) {
        uses.set(word, (uses.get(word) ?? 0) + 1);
      }
    }
    const product = PRODUCT.flatMap(tsFiles).filter((f) => !/\.test\.tsx?$/.test(f));
    const exported = product.flatMap((f) =>
      [...readFileSync(join(root, f), 'utf8').matchAll(DECLARED)].map((m) => ({ file: f, name: m[1]! })),
    );
    expect(exported.length).toBeGreaterThan(500);
    const unused = exported.filter((e) => (uses.get(e.name) ?? 0) <= 1).map((e) => `${e.file}: ${e.name}`);
    expect(unused).toEqual([]);
  });
});
