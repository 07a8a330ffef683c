import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRuleReport } from '../analyze/rules/analysis/build.js';
import { defaultReportOptions } from '../analyze/rules/analysis/options.js';
import { parseNsgDocument } from '../analyze/rules/inventory/parse.js';
import { makeFlow } from '../analyze/rules/model/build.js';
import { compileRuleSet } from '../analyze/rules/model/compile.js';
import { createAddressContext } from '../analyze/rules/model/context.js';
import { verdict } from '../analyze/rules/model/match.js';
import { openDb } from '../core/clickhouse/client.js';
import { migrate } from '../core/clickhouse/migrate.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../core/clickhouse/migrations/types.js';
import { nsgDefinitions } from '../simulator/index.js';
import { loadSimulatedEstate } from '../test/scenario/simulated.js';
import { mdTable, median, parseFlags } from './util.js';

/**
 * Rule report cost vs the irreducible SQL it needs, in the same process and data (ratios, not
 * absolute times: docs/reference/performance-facts.md §5). Baseline: one `GROUP BY nsg, rule` pass over the window's
 * flows. Also the pure model: `verdict()` per flow vs a plain loop touching the same flows.
 *
 * Usage: `npm run bench -- rules [--hours 24] [--runs 3]`.
 */
export async function run(args: string[]): Promise<void> {
  const opts = parseFlags(args, { hours: 24, runs: 3 });
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-bench-rules-'));
  const db = openDb({ kind: 'embedded', path: join(dir, 'db') });
  try {
    await migrate(db.client, { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 });
    const estate = await loadSimulatedEstate(db, opts.hours);
    const ctx = createAddressContext({ virtualNetwork: ['10.10.0.0/16'] });
    const options = defaultReportOptions({ ctx });
    const baseline: number[] = [];
    const report: number[] = [];
    for (let i = 0; i < opts.runs; i++) {
      baseline.push(await timed(() => groupByPass(db, estate.window)));
      report.push(await timed(() => buildRuleReport(db, estate.window, options)));
    }
    const model = modelThroughput(ctx);
    console.log(
      `rules bench: ${opts.hours} h simulated, ${estate.rows} flow rows, ${opts.runs} runs (medians)\n`,
    );
    console.log(
      mdTable(
        ['what', 'median', 'ratio'],
        [
          ['GROUP BY nsg, rule over the window (baseline)', `${median(baseline).toFixed(0)} ms`, '1.0'],
          [
            'buildRuleReport (all NSGs, all checks, what-if, backtest)',
            `${median(report).toFixed(0)} ms`,
            (median(report) / median(baseline)).toFixed(1),
          ],
          [
            'verdict() per flow vs plain loop over the same flows',
            `${model.perFlowNs.toFixed(0)} ns/flow`,
            model.ratio.toFixed(1),
          ],
        ],
      ),
    );
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

async function groupByPass(db: ReturnType<typeof openDb>, w: { from: string; to: string }): Promise<void> {
  const rs = await db.client.query({
    query:
      "SELECT nsg, acl_id, rule_name, count() AS n, uniqExact(src_ip) AS s FROM flows WHERE time >= parseDateTime64BestEffort({from:String}, 3, 'UTC') " +
      "AND time < parseDateTime64BestEffort({to:String}, 3, 'UTC') GROUP BY nsg, acl_id, rule_name",
    query_params: w,
    format: 'JSONEachRow',
  });
  await rs.json();
}

function modelThroughput(ctx: ReturnType<typeof createAddressContext>): { perFlowNs: number; ratio: number } {
  const { nsgs } = parseNsgDocument(nsgDefinitions());
  const rules = compileRuleSet(nsgs.find((n) => n.name === 'web-nsg')!.rules, ctx);
  const flows = Array.from({ length: 200_000 }, (_, i) =>
    makeFlow({
      src: `${20 + (i % 180)}.${i % 251}.${i % 241}.${1 + (i % 250)}`,
      dst: '10.10.1.4',
      dstPort: [443, 80, 3389, 22, 8080][i % 5]!,
    }),
  );
  let sink = 0;
  const t0 = performance.now();
  for (const f of flows) sink += f.dstPort + f.srcIp[15]!;
  const plain = performance.now() - t0;
  const t1 = performance.now();
  for (const f of flows) sink += verdict(rules, f) === 'allow' ? 1 : 0;
  const model = performance.now() - t1;
  if (sink < 0) console.log(sink);
  return { perFlowNs: (model * 1e6) / flows.length, ratio: model / Math.max(plain, 0.001) };
}
