import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixtureNames, fixturesDir } from '../harness/fixtures.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SELF = relative(ROOT, fileURLToPath(import.meta.url));
// Built from parts so this file does not match its own search.
const SIBLING = ['..', 'shared'].join('/');

/** A clone must stand alone: nothing tracked may need a directory beside the repository. */
describe('a clone stands alone', () => {
  it(`no tracked file references ${SIBLING}`, () => {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter((f) => f && f !== SELF && f !== 'package-lock.json');
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.filter((f) => {
      try {
        return readFileSync(join(ROOT, f), 'utf8').includes(SIBLING);
      } catch {
        return false; // deleted in the working tree, or a directory entry (submodule)
      }
    });
    expect(offenders).toEqual([]);
  });

  it('fixtures load from inside the repository', () => {
    expect(relative(ROOT, fixturesDir())).toBe(join('test', 'fixtures'));
    expect(fixtureNames().length).toBeGreaterThan(10);
  });
});
