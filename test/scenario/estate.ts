import { analyzeWindow } from '../../analyze/runner.js';
import { emptyContext } from '../../analyze/test-context.js';
import type { Db } from '../../core/clickhouse/client.js';
import { AnalyzeConfigSchema } from '../../core/config/sections/analyze.js';
import type { Finding } from '../../core/finding.js';
import { type Estate, type EstateOptions, generateEstate } from '../../simulator/estate/index.js';

const CHUNK = 50_000;

/** Generates the noisy estate and inserts its flow rows into `flows`. */
export async function loadEstate(db: Db, options: EstateOptions): Promise<Estate> {
  const estate = generateEstate(options);
  for (let i = 0; i < estate.rows.length; i += CHUNK) {
    await db.client.insert({
      table: 'flows',
      values: estate.rows.slice(i, i + CHUNK),
      format: 'JSONEachRow',
    });
  }
  return estate;
}

/** One analysis run over the estate's window with default settings; the clock is the window's end. */
export async function analyzeEstate(db: Db, estate: Estate, rawConfig: unknown = {}): Promise<Finding[]> {
  const config = AnalyzeConfigSchema.parse(rawConfig);
  const run = await analyzeWindow(
    { client: db.client, config, context: emptyContext([], new Date(estate.endMs)) },
    estate.window,
  );
  if (run.errors.length) throw new Error(`analyzer errors: ${JSON.stringify(run.errors)}`);
  return run.findings;
}
