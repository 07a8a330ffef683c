import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coverageGaps } from '../../analyze/rules/analysis/gaps.js';
import type { RuleReport } from '../../analyze/rules/analysis/types.js';
import type { Finding } from '../../core/finding.js';
import { simulateToDirectory } from '../../simulator/index.js';
import { runCli } from '../harness/cli.js';

/**
 * `analyze --from/--to` and `report rules --from/--to` judge rules over the same window, and say
 * which NSGs lack the coverage for a verdict. The data is 24 h of the simulator's estate on a date
 * long past; every window is relative to it (retention is off so no age rule drops it).
 */
const START = Date.UTC(2024, 4, 6, 0, 0, 0);
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const FULL = { from: iso(START), to: iso(START + 24 * HOUR) };
/** Seven days ending with the data: one day of flow logs in it. */
const WEEK = { from: iso(START - 6 * 24 * HOUR), to: FULL.to };
const UNUSED = { nsg: 'web-nsg', rule: 'AllowLegacyFtp' };

let tmp: string;
let cli: (...args: string[]) => ReturnType<typeof runCli>;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'flowlens-rules-window-'));
  const config = join(tmp, 'flowlens.json');
  writeFileSync(
    config,
    JSON.stringify({ database: { retention: { rawDays: 0, minuteDays: 0, hourDays: 0 } } }),
  );
  cli = (...args) => runCli(['--db', join(tmp, 'db'), '--config', config, '--log-level', 'silent', ...args]);
  const sim = simulateToDirectory(join(tmp, 'sim'), { hours: 24, startMs: START });
  const imported = await cli('rules', 'import', sim.nsgFile, '--valid-from', iso(START - HOUR));
  expect(imported.code, imported.stderr).toBe(0);
  const ingested = await cli('ingest', sim.logsDir);
  expect(ingested.code, ingested.stderr).toBe(0);
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface AnalyzeJson {
  window: { from: string; to: string };
  rulesWindow: { from: string; to: string };
  findings: Finding[];
  coverage: ReturnType<typeof coverageGaps>;
}

async function both(window: { from: string; to: string }) {
  const a = await cli('analyze', '--from', window.from, '--to', window.to, '--json');
  expect(a.code, a.stderr).toBe(0);
  const r = await cli('report', 'rules', '--from', window.from, '--to', window.to, '--format', 'json');
  expect(r.code, r.stderr).toBe(0);
  const analyzed = JSON.parse(a.stdout) as AnalyzeJson;
  const report = JSON.parse(r.stdout) as RuleReport;
  const unusedFindings = analyzed.findings
    .filter((f) => f.category === 'unused-allow-rule')
    .map((f) => `${f.subject.nsg}/${f.subject.rule}`)
    .sort();
  const unusedRecommendations = report.recommendations
    .filter((x) => x.categories.includes('unused-allow-rule'))
    .map((x) => `${x.nsg}/${x.rule}`)
    .sort();
  return { analyzed, report, reportStderr: r.stderr, unusedFindings, unusedRecommendations };
}

describe('one window, one verdict', () => {
  it('over the day with flow logs both call the FTP rule unused and report no coverage gap', async () => {
    const b = await both(FULL);
    expect(b.analyzed.window).toEqual(FULL);
    expect(b.analyzed.rulesWindow).toEqual(b.report.window);
    expect(b.report.window).toEqual({ from: FULL.from, to: FULL.to });
    expect(b.unusedFindings).toEqual([`${UNUSED.nsg}/${UNUSED.rule}`]);
    expect(b.unusedRecommendations).toEqual(b.unusedFindings);
    expect(b.analyzed.coverage).toEqual([]);
    expect(b.report.insufficientData).toEqual([]);
    expect(b.reportStderr).not.toContain('rules without verdict');
  }, 180_000);

  it('over a week with one day of logs neither calls it unused; both name the NSG and the hours missing', async () => {
    const b = await both(WEEK);
    expect(b.analyzed.rulesWindow).toEqual(b.report.window);
    expect(b.unusedFindings).toEqual([]);
    expect(b.unusedRecommendations).toEqual([]);
    const gap = b.analyzed.coverage.find((g) => g.nsg === UNUSED.nsg);
    expect(gap?.rules).toContain(UNUSED.rule);
    // 30 slices of 5.6 h; 24 h of logs touch 5 of them.
    expect(gap).toMatchObject({ coveredHours: 28, requiredHours: 151.2, missingHours: 123.2 });
    expect(b.analyzed.coverage).toEqual(coverageGaps(b.report));
    const line = `  ${UNUSED.nsg}: flow logs cover 28 h, 151.2 h needed: 123.2 h more (`;
    expect(b.reportStderr).toContain(line);

    const table = await cli('analyze', '--from', WEEK.from, '--to', WEEK.to);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain(`rules without verdict (${WEEK.from} – ${WEEK.to})`);
    expect(table.stdout).toContain(line);
    expect(table.stdout).toContain(UNUSED.rule);
  }, 180_000);
});
