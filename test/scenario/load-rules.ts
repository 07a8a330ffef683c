import { parseNsgDocument } from '../../analyze/rules/inventory/parse.js';
import { writeSnapshots } from '../../analyze/rules/inventory/store.js';
import type { Db } from '../../core/clickhouse/client.js';
import { nsgDefinitions, scenarioFlows } from './rules-scenario.js';

/** Loads the rule scenario into a migrated database: flows plus one inventory snapshot before the window. */
export async function loadRuleScenario(db: Db): Promise<void> {
  await db.client.insert({ table: 'flows', values: scenarioFlows(), format: 'JSONEachRow' });
  const { nsgs, problems } = parseNsgDocument(nsgDefinitions(), 'scenario');
  if (problems.length) throw new Error(problems.join('\n'));
  await writeSnapshots(db, nsgs, {
    validFrom: '2026-09-01T00:00:00.000Z',
    importedAt: '2026-09-01T00:00:00.000Z',
    origin: 'scenario',
  });
}
