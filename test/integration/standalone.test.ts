import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixture, fixtureNames, fixturesDir } from '../harness/fixtures.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SELF = relative(ROOT, fileURLToPath(import.meta.url));
// Built from parts so this file does not match its own search.
const SIBLING = ['..', 'shared'].join('/');

/** Tracked files (this one and the lock file excluded) whose text contains any of `needles`. */
function filesMentioning(needles: string[]): string[] {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && f !== SELF && f !== 'package-lock.json');
  expect(files.length).toBeGreaterThan(100);
  return files.filter((f) => {
    try {
      const text = readFileSync(join(ROOT, f), 'utf8');
      return needles.some((n) => text.includes(n));
    } catch {
      return false; // deleted in the working tree, or a directory entry (submodule)
    }
  });
}

/** A clone must stand alone: nothing tracked may need a directory beside the repository. */
describe('a clone stands alone', () => {
  it(`no tracked file references ${SIBLING}`, () => {
    expect(filesMentioning([SIBLING])).toEqual([]);
  });

  it('cites the moved reference briefs by their in-repo paths', () => {
    // The starting briefs lived beside the repository under these names; docs/reference/ holds them now.
    const old = ['FLOW-LOGS', 'PERFORMANCE', 'TESTING', 'DESIGN', 'ENRICHMENT'].map((n) => `${n}.md`);
    expect(filesMentioning(old)).toEqual([]);
  });

  it('fixtures load from inside the repository', () => {
    expect(relative(ROOT, fixturesDir())).toBe(join('test', 'fixtures'));
    expect(fixtureNames().length).toBeGreaterThan(10);
    expect(fixture('sumologic_nsg-v2_PT1H_real.json').subarray(0, 12).toString()).toBe('{"records":[');
  });

  it('a fixture kept only as facts names where its facts are', () => {
    expect(() => fixture('elastic_nsg_pipeline-test_test-nsg.log')).toThrow(/ELASTIC_PARITY_CASES/);
    expect(() => fixture('nsgconnector_eventhub-message-body_denormalized_excerpt.json')).toThrow(
      /CONNECTOR_RECORD/,
    );
  });
});
