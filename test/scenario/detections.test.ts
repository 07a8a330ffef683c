import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeWindow } from '../../analyze/runner.js';
import { emptyContext } from '../../analyze/test-context.js';
import type { Db } from '../../core/clickhouse/client.js';
import { AnalyzeConfigSchema } from '../../core/config/sections/analyze.js';
import type { Finding } from '../../core/finding.js';
import type { Expectation } from '../../simulator/index.js';
import { openTestDb } from '../harness/chdb.js';
import { loadScenario } from './load.js';
import { type Score, score } from './score.js';

let db: Db & { dir: string };
let dir: string;
let findings: Finding[];
let result: Score;

// 24 h of a 3-tier estate with the planted incidents in the last hour (simulator/incidents.ts).
beforeAll(async () => {
  db = await openTestDb();
  dir = mkdtempSync(join(tmpdir(), 'flowlens-scenario-'));
  const s = await loadScenario(db, dir, { hours: 24, seed: 7 });
  const truth = JSON.parse(readFileSync(s.groundTruthFile, 'utf8')) as Expectation[];
  const config = AnalyzeConfigSchema.parse({});
  const window = { from: new Date(s.endMs - 24 * 3_600_000), to: new Date(s.endMs + 3_600_000) };
  const run = await analyzeWindow(
    { client: db.client, config, context: emptyContext([], new Date(s.endMs)) },
    window,
  );
  expect(run.errors).toEqual([]);
  findings = run.findings;
  result = score(findings, truth);
  process.stdout.write(
    `scenario: ${s.rows} rows; recall ${result.found}/${result.expected}; ` +
      `false positives above low ${result.falsePositives.length}; benign low/info ${result.benignLow.length}\n` +
      findings
        .map((f) => `  ${f.severity.padEnd(8)} ${f.category.padEnd(24)} ${JSON.stringify(f.subject)}\n`)
        .join(''),
  );
}, 600_000);
afterAll(async () => {
  await db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('planted incidents in a simulated day', () => {
  it('finds every planted incident with the right subject', () => {
    expect(result.missed).toEqual([]);
    expect(result.recall).toBe(1);
  });

  it('reports nothing benign above low', () => {
    expect(
      result.falsePositives.map((f) => `${f.category} ${JSON.stringify(f.subject)} ${f.severity}`),
    ).toEqual([]);
  });

  it('rates the planted incidents at medium or above', () => {
    const planted = findings.filter(
      (f) => !result.benignLow.includes(f) && !result.falsePositives.includes(f),
    );
    expect(planted.map((f) => f.severity).filter((s) => s === 'low' || s === 'info')).toEqual([]);
  });
});
