import { ruleReportExtra } from '../../analyze/rules/analyzer.js';
import { parseNsgDocument } from '../../analyze/rules/inventory/parse.js';
import { writeSnapshots } from '../../analyze/rules/inventory/store.js';
import { analyzeWindow } from '../../analyze/runner.js';
import { emptyContext } from '../../analyze/test-context.js';
import type { Db } from '../../core/clickhouse/client.js';
import { AnalyzeConfigSchema } from '../../core/config/sections/analyze.js';
import { type RulesConfig, RulesConfigSchema } from '../../core/config/sections/rules.js';
import { loadServiceTags } from '../../core/enrich/load.js';
import { TrieWriter } from '../../core/enrich/store.js';
import { ASN } from '../../core/enrich/tables.js';
import type { Finding } from '../../core/finding.js';
import {
  AKS_POD_CIDR,
  ESTATE_ASNS,
  ESTATE_SERVICE_TAGS,
  ESTATE_SUBNETS,
  type Estate,
  type EstateOptions,
  estateNsgDocument,
  generateEstate,
} from '../../simulator/estate/index.js';

const CHUNK = 50_000;

/** Generates the noisy estate, inserts its flow rows into `flows` and loads its enrichment data. */
export async function loadEstate(db: Db, options: EstateOptions): Promise<Estate> {
  const estate = generateEstate(options);
  await loadEstateEnrichment(db, new Date(estate.startMs));
  await importEstateNsgs(db, new Date(estate.startMs - 86_400_000));
  for (let i = 0; i < estate.rows.length; i += CHUNK) {
    await db.client.insert({
      table: 'flows',
      values: estate.rows.slice(i, i + CHUNK),
      format: 'JSONEachRow',
    });
  }
  return estate;
}

/**
 * The rules settings of the estate: its VNet address spaces, and the subnets and the AKS pod CIDR
 * as the scopes internal rules may narrow to.
 */
export const ESTATE_RULES: RulesConfig = RulesConfigSchema.parse({
  virtualNetworkPrefixes: ['10.0.0.0/16', '10.1.0.0/16', '10.2.0.0/16', AKS_POD_CIDR],
  internalScopes: [...ESTATE_SUBNETS.map((s) => s.prefix), AKS_POD_CIDR],
});

/**
 * One analysis run over the estate's window with default settings; the clock is the window's end.
 * The NSG inventory and rule report of the window go along, as `flowlens analyze` passes them.
 */
export async function analyzeEstate(db: Db, estate: Estate, rawConfig: unknown = {}): Promise<Finding[]> {
  const config = AnalyzeConfigSchema.parse(rawConfig);
  const window = { from: estate.window.from.toISOString(), to: estate.window.to.toISOString() };
  const extra = await ruleReportExtra(db, window, ESTATE_RULES);
  const run = await analyzeWindow(
    { client: db.client, config, context: { ...emptyContext([], new Date(estate.endMs)), extra } },
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

/** The estate's NSGs (simulator/estate/nsgs.ts) as one inventory snapshot valid from `validFrom`. */
export async function importEstateNsgs(db: Db, validFrom: Date): Promise<void> {
  const { nsgs, problems } = parseNsgDocument(estateNsgDocument(), 'estate');
  if (problems.length) throw new Error(problems.join('\n'));
  const at = validFrom.toISOString();
  await writeSnapshots(db, nsgs, { validFrom: at, importedAt: at, origin: 'estate' });
}
