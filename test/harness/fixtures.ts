import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Flow-log fixtures kept in the repository (`test/fixtures/`, provenance and licence per file in
 * its README). Files a licence does not let us redistribute are not here: their facts live in
 * test/harness/fixture-facts.ts.
 */
export function fixturesDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
}

/** Files in the fixtures directory that are documentation, not test input. */
const NOT_INPUT = new Set(['README.md']);

export function fixture(name: string): Buffer {
  return readFileSync(join(fixturesDir(), name));
}

export function fixtureNames(): string[] {
  return readdirSync(fixturesDir()).filter((n) => !NOT_INPUT.has(n));
}
