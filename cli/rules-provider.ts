import { buildRuleReport } from '../analyze/rules/analysis/build.js';
import { reportOptionsFromConfig } from '../analyze/rules/analysis/from-config.js';
import { loadInventory } from '../analyze/rules/inventory/load.js';
import { renderReport } from '../analyze/rules/report/index.js';
import type { RuleReportProvider } from '../api/routes/rules/provider.js';
import type { AppContext } from './context.js';

const iso = (w: { from: Date; to: Date }) => ({ from: w.from.toISOString(), to: w.to.toISOString() });

/** Connects the API's rule routes to the rule analysis (analyze/rules); composed here, in cli/. */
export function rulesProvider(ctx: AppContext): RuleReportProvider {
  const report = async (w: { from: Date; to: Date }) =>
    buildRuleReport(ctx.db, iso(w), await reportOptionsFromConfig(ctx.config.rules, ctx.now));
  return {
    inventory: async () => {
      const to = ctx.now();
      const from = new Date(to.getTime() - ctx.config.rules.windowDays * 86_400_000);
      const nsgs = await loadInventory(ctx.db, iso({ from, to }));
      return nsgs.flatMap((nsg) => nsg.rules.map((rule) => ({ ...rule, nsg: nsg.name, nsgId: nsg.id })));
    },
    recommendations: async (w) => (await report(w)).recommendations,
    report: async (w, format) => renderReport(await report(w), format),
  };
}
