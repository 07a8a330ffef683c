import { analyzeWindow } from '../../analyze/runner.js';
import { emptyContext } from '../../analyze/test-context.js';
import type { Db } from '../../core/clickhouse/client.js';
import { AnalyzeConfigSchema } from '../../core/config/sections/analyze.js';
import { loadServiceTags } from '../../core/enrich/load.js';
import { TrieWriter } from '../../core/enrich/store.js';
import { ASN } from '../../core/enrich/tables.js';
import type { Finding } from '../../core/finding.js';
import {
  ESTATE_ASNS,
  ESTATE_SERVICE_TAGS,
  type Estate,
  type EstateOptions,
  generateEstate,
} from '../../simulator/estate/index.js';

const CHUNK = 50_000;

/** Generates the noisy estate, inserts its flow rows into `flows` and loads its enrichment data. */
export async function loadEstate(db: Db, options: EstateOptions): Promise<Estate> {
  const estate = generateEstate(options);
  await loadEstateEnrichment(db, new Date(estate.startMs));
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

/** The estate's service tags and AS numbers (simulator/estate/enrichment.ts) into the dictionaries. */
export async function loadEstateEnrichment(db: Db, now: Date): Promise<void> {
  await loadServiceTags(db.client, ESTATE_SERVICE_TAGS, { source: 'estate', now });
  const asn = await TrieWriter.open(db.client, ASN);
  for (const row of ESTATE_ASNS) asn.push([...row]);
  await asn.close();
}
