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

/** Former fixtures whose licence keeps them out of the repository, and where their facts are now. */
const KEPT_AS_FACTS: [RegExp, string][] = [
  [/^elastic_/, 'ELASTIC_PARITY_CASES'],
  [/^nsgconnector_/, 'CONNECTOR_RECORD / connectorMessageBody()'],
  [/^janmg-/, 'docs/reference/flow-logs.md §1c (block ids)'],
];

export function fixture(name: string): Buffer {
  const facts = KEPT_AS_FACTS.find(([re]) => re.test(name));
  if (facts)
    throw new Error(
      `fixture ${name} is not redistributed (licence, see test/fixtures/README.md); use ${facts[1]} from test/harness/fixture-facts.ts`,
    );
  return readFileSync(join(fixturesDir(), name));
}

/** Flow-log input files (subdirectories such as `enrich/` hold other kinds of test data). */
export function fixtureNames(): string[] {
  return readdirSync(fixturesDir(), { withFileTypes: true })
    .filter((e) => e.isFile() && !NOT_INPUT.has(e.name))
    .map((e) => e.name);
}
