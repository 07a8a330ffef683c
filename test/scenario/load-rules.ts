import { parseNsgDocument } from '../../analyze/rules/inventory/parse.js';
import { writeSnapshots } from '../../analyze/rules/inventory/store.js';
import type { Db } from '../../core/clickhouse/client.js';
import { JIT_UNUSED, JIT_USED, JIT_VALID_FROM, nsgDefinitions, scenarioFlows } from './rules-scenario.js';

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
  // 26 October: Defender adds a JIT rule to web-nsg (used) and one to jump-nsg (unused), whose flow logs
  // only start that day: the JIT rule is judged on its own lifetime, the older rules have no verdict.
  const added: Record<string, unknown> = { 'web-nsg': JIT_USED, 'jump-nsg': JIT_UNUSED };
  const withJit = nsgDefinitions().map((n) => {
    const nsg = n as { name: string; securityRules: unknown[] };
    const rule = added[nsg.name];
    return rule ? { ...nsg, securityRules: [rule, ...nsg.securityRules] } : nsg;
  });
  const jit = parseNsgDocument(withJit, 'scenario-jit');
  await writeSnapshots(db, jit.nsgs, {
    validFrom: JIT_VALID_FROM,
    importedAt: JIT_VALID_FROM,
    origin: 'scenario-jit',
  });
}
