import { formatEstateScore, scoreEstate } from '../simulator/estate/index.js';
import { openTestDb } from '../test/harness/chdb.js';
import { analyzeEstate, loadEstate } from '../test/scenario/estate.js';
import { mdTable, parseFlags } from './util.js';

/**
 * Detection quality on the noisy estate (simulator/estate): recall per category, must-find and
 * harder incidents found, and false findings per 100 host-days by severity — alert load as a
 * number. The first day is baseline only; every later day is analysed.
 *
 * Usage: `npm run bench -- detect-quality [--days 4] [--seed 12]`.
 */
export async function run(args: string[]): Promise<void> {
  const opts = parseFlags(args, { days: 4, seed: 12 });
  const db = await openTestDb();
  try {
    const t0 = performance.now();
    const estate = await loadEstate(db, { days: opts.days, seed: opts.seed });
    const t1 = performance.now();
    const findings = await analyzeEstate(db, estate);
    const t2 = performance.now();
    const s = scoreEstate(findings, estate.truth, estate.hostDays);
    const per100 = (n: number) => ((n * 100) / estate.hostDays).toFixed(2);
    process.stdout.write(
      `# detect-quality: ${opts.days} days, seed ${opts.seed}, ${estate.rows.length} rows, ${estate.hostDays} analysed host-days\n\n` +
        `load ${((t1 - t0) / 1000).toFixed(1)} s, analysis ${((t2 - t1) / 1000).toFixed(1)} s (wall, shared machine)\n\n` +
        mdTable(
          ['category', 'recall', 'precision (≥ medium)', 'false ≥ medium'],
          s.byCategory.map((c) => [
            c.category,
            `${c.found}/${c.expected}`,
            `${(c.precision * 100).toFixed(0)} %`,
            String(c.falseFindings.length),
          ]),
        ) +
        '\n\n' +
        mdTable(
          ['severity', 'false findings', 'per 100 host-days'],
          (['critical', 'high', 'medium', 'low', 'info'] as const).map((sev) => [
            sev,
            String(s.falseBySeverity[sev]),
            per100(s.falseBySeverity[sev]),
          ]),
        ) +
        `\n\n\`\`\`\n${formatEstateScore(s)}\n\`\`\`\n`,
    );
  } finally {
    await db.close();
  }
}
