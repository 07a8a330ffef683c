import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * docs/architecture.md "Reads": every ClickHouse read goes through core/clickhouse/query.ts (rows
 * checked with zod), no `SELECT *` in product code, one time module. These are grep rules over the
 * product folders, like dependency-direction.test.ts.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PRODUCT = ['core', 'ingest', 'analyze', 'api', 'cli', 'simulator'];
const HELPER = 'core/clickhouse/query.ts';
const TIME = 'core/clickhouse/time.ts';
/** Files allowed to break a rule while they are moved over (none left). Shrink this list, never grow it. */
const PENDING: Record<string, string[]> = {
  uncheckedReadRows: [],
  selectStar: [],
  timeText: [],
};

function productFiles(): { path: string; text: string }[] {
  return PRODUCT.flatMap((dir) =>
    readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
      .map((e) => relative(root, join(e.parentPath, e.name))),
  ).map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') }));
}

/** `file:line  text` of every line matching `re`, outside the allowed files. */
function hits(re: RegExp, allowed: readonly string[]): string[] {
  return productFiles()
    .filter((f) => !allowed.includes(f.path))
    .flatMap((f) =>
      f.text.split('\n').flatMap((line, i) => (re.test(line) ? [`${f.path}:${i + 1}  ${line.trim()}`] : [])),
    );
}

describe('reads', () => {
  const files = productFiles();

  it('scans the product folders', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((f) => f.path === HELPER)).toBe(true);
  });

  it('only the checked helper runs a ClickHouse read and takes rows unchecked from it', () => {
    expect(hits(/\.json<|\bclient\.query\(/, [HELPER])).toEqual([]);
    // The rule must see what it forbids: the helper itself does both.
    expect(hits(/\.json<|\bclient\.query\(/, [])).toHaveLength(2);
  });

  it('no row cast: files that read ClickHouse cast nothing to an object type', () => {
    const readers = files.filter((f) =>
      /from '[./]+(?:core\/)?clickhouse\/query\.js'|readRows\(/.test(f.text),
    );
    expect(readers.length).toBeGreaterThan(20);
    const casts = readers.flatMap((f) =>
      f.text
        .split('\n')
        .flatMap((line, i) => (/\bas (\{|Record<)/.test(line) ? [`${f.path}:${i + 1}  ${line.trim()}`] : [])),
    );
    expect(casts).toEqual([]);
  });

  it('api reads pass a row schema (readRows without one is unchecked)', () => {
    expect(hits(/(?<!function )\breadRows</, PENDING.uncheckedReadRows!)).toEqual([]);
  });

  it('no SELECT * in product code', () => {
    expect(hits(/SELECT\s+\*/i, PENDING.selectStar!)).toEqual([]);
  });

  it('the pending list holds only files that still break a rule (remove an entry once its file is fixed)', () => {
    const patterns: Record<string, RegExp> = {
      uncheckedReadRows: /\breadRows</,
      selectStar: /SELECT\s+\*/i,
      timeText: /toISOString\(\)\.replace\(\s*'T'/,
    };
    const stale = Object.entries(PENDING).flatMap(([rule, paths]) =>
      paths
        .filter((p) => !patterns[rule]!.test(readFileSync(join(root, p), 'utf8')))
        .map((p) => `${rule}: ${p}`),
    );
    expect(stale).toEqual([]);
  });

  it('instants become ClickHouse text in the one time module only', () => {
    expect(hits(/toISOString\(\)\.replace\(\s*'T'/, [TIME, ...PENDING.timeText!])).toEqual([]);
    expect(hits(/replace\(\s*' ',\s*'T'\s*\)/, [TIME])).toEqual([]);
  });
});
