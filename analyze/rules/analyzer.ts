import { z } from 'zod';
import type { Db } from '../../core/clickhouse/client.js';
import type { RulesConfig } from '../../core/config/sections/rules.js';
import type { Finding } from '../../core/finding.js';
import { type AnalyzerContext, defineAnalyzer, type RegisteredAnalyzer } from '../analyzer.js';
import { buildRuleReport } from './analysis/build.js';
import { reportOptionsFromConfig } from './analysis/from-config.js';
import type { RuleCategory, RuleReport } from './analysis/types.js';
import { ruleFindings } from './findings.js';
import { NSG_INVENTORY_EXTRA } from './inventory/extra.js';
import { loadInventory } from './inventory/load.js';

/** Key of the rule report in `AnalyzerContext.extra`. */
export const RULE_REPORT_EXTRA = 'ruleReport';

/** The rule window `report rules` uses too: `[from ?? to − rules.windowDays, to)`. */
export function rulesWindow(to: Date, cfg: RulesConfig, from?: Date): { from: string; to: string } {
  return {
    from: (from ?? new Date(to.getTime() - cfg.windowDays * 86_400_000)).toISOString(),
    to: to.toISOString(),
  };
}

/**
 * Builds the rule report the rule analyzers read from `context.extra.ruleReport`. Rule analysis
 * needs weeks of flows, the NSG inventory and several queries, so the loop runs it on its own
 * window ({@link rulesWindow} ending at the newest data) rather than the runner's short incremental
 * windows, as often as `rules.refreshMinutes`; `flowlens analyze` passes its own window.
 * The inventory valid at the window's end goes along (`nsgInventory`) for exposed-management-port.
 */
export async function ruleReportExtra(
  db: Db,
  window: { from: string; to: string },
  cfg: RulesConfig,
): Promise<Record<string, unknown>> {
  return {
    [NSG_INVENTORY_EXTRA]: await loadInventory(db, window),
    [RULE_REPORT_EXTRA]: await buildRuleReport(db, window, await reportOptionsFromConfig(cfg)),
  };
}

/** The rule report in an analyzer context (null when none was built). */
export function reportFrom(context: Pick<AnalyzerContext, 'extra'>): RuleReport | null {
  const value = context.extra[RULE_REPORT_EXTRA] as RuleReport | undefined;
  return value && Array.isArray(value.recommendations) ? value : null;
}

/** Rule findings of some categories from the report in the context; none without a report. */
export function ruleCategoryFindings(
  context: AnalyzerContext,
  categories: readonly RuleCategory[],
): Finding[] {
  const report = reportFrom(context);
  if (!report) return [];
  return ruleFindings(report).filter((f) => categories.includes(f.category as RuleCategory));
}

/**
 * An analyzer that needs no query of its own: it turns the precomputed rule report into Findings.
 * @see ../analyzer.ts for the contract.
 */
export function ruleAnalyzer(
  id: string,
  title: string,
  categories: readonly RuleCategory[],
): RegisteredAnalyzer {
  return defineAnalyzer({
    id,
    title,
    category: id,
    config: z.object({}).strict(),
    query: () => null,
    detect: (_rows, _config, _window, context) => ruleCategoryFindings(context, categories),
  });
}

export interface RuleReportRefresher {
  /** `extra` for the analyzer context: the cached rule report, rebuilt when older than the refresh interval. */
  extra(to: Date): Promise<Record<string, unknown>>;
}

/**
 * Keeps the rule report for the analysis loop: rebuilt at most every `refreshMs` (default hourly;
 * the loop passes `rules.refreshMinutes`),
 * since it reads weeks of flows while the loop ticks every minute. A failed rebuild keeps the last
 * good report (or none) and is passed to `onError`; it never breaks the detectors' tick.
 */
export function createRuleReportRefresher(
  db: Db,
  cfg: RulesConfig,
  options: { refreshMs?: number; clock?: () => number; onError?: (err: unknown) => void } = {},
): RuleReportRefresher {
  const refreshMs = options.refreshMs ?? 3_600_000;
  const clock = options.clock ?? Date.now;
  let cached: { at: number; extra: Record<string, unknown> } | null = null;
  return {
    async extra(to) {
      if (cached && clock() - cached.at < refreshMs) return cached.extra;
      try {
        cached = { at: clock(), extra: await ruleReportExtra(db, rulesWindow(to, cfg), cfg) };
      } catch (err) {
        options.onError?.(err);
        cached = { at: clock(), extra: cached?.extra ?? {} };
      }
      return cached.extra;
    },
  };
}
