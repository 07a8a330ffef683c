import { z } from 'zod';
import type { Db } from '../core/clickhouse/client.js';
import { chIsoTime, chNumber, queryOne } from '../core/clickhouse/query.js';
import { type Clock, systemClock } from '../core/clock.js';
import type { Config } from '../core/config/schema.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logging.js';
import { type AlertStats, createAlerter } from './alerts/dispatcher.js';
import { createChannels } from './alerts/factory.js';
import type { AnalysisWindow } from './analyzer.js';
import type { RuleReport } from './rules/analysis/types.js';
import { reportFrom, ruleReportExtra, rulesWindow } from './rules/analyzer.js';
import { type AnalysisResult, analyzeWindow, assertAnalyzerConfig } from './runner.js';
import { loadThreatIntel } from './threat-intel.js';

/**
 * Default one-shot window: `initialLookbackHours` back from the newest flow (data time, so replayed
 * old logs are analyzed where they are). Null when `flows` is empty.
 */
export async function defaultWindow(
  db: Db,
  lookbackHours: number,
  to?: Date,
): Promise<AnalysisWindow | null> {
  const r = await queryOne(db.client, {
    sql: 'SELECT count() AS n, max(time) AS hi FROM flows',
    row: z.object({ n: chNumber, hi: chIsoTime }),
  });
  const end = to ?? (r && r.n > 0 ? new Date(Date.parse(r.hi) + 1) : null);
  if (!end) return null;
  return { from: new Date(end.getTime() - lookbackHours * 3_600_000), to: end };
}

export interface OneShotAnalysis {
  window: AnalysisWindow | null;
  result: AnalysisResult;
  /** The rule report the rule analyzers judged (its window, coverage and rules without verdict). */
  rules: RuleReport | null;
  alerts?: AlertStats;
}

/**
 * `flowlens analyze`: validate analyzer config, load threat intel, analyze one window, optionally
 * alert. The rule analyzers judge the window `report rules` would for the same --from/--to
 * ({@link rulesWindow}): with --from, exactly the analysis window.
 */
export async function runOneShotAnalysis(
  deps: { config: Config; db: Db; logger: Logger; now?: Clock },
  opts: { from?: Date; to?: Date; notify?: boolean; now?: Date },
): Promise<OneShotAnalysis> {
  assertAnalyzerConfig(deps.config.analyze);
  const a = deps.config.analyze;
  const fallback = await defaultWindow(deps.db, a.initialLookbackHours, opts.to);
  const window = fallback && { from: opts.from ?? fallback.from, to: opts.to ?? fallback.to };
  if (!window) return { window, rules: null, result: { findings: [], notify: [], errors: [], timings: {} } };
  const threatIntel = await loadThreatIntel(a.threatIntel, deps.logger);
  const context = {
    threatIntel,
    now: opts.now ?? (deps.now ?? systemClock)(),
    extra: await ruleExtra(deps, rulesWindow(window.to, deps.config.rules, opts.from)),
  };
  const result = await analyzeWindow(
    { client: deps.db.client, config: a, context, logger: deps.logger },
    window,
  );
  const rules = reportFrom(context);
  if (!opts.notify) return { window, result, rules };
  const alerter = createAlerter({
    client: deps.db.client,
    config: deps.config.alerts,
    channels: createChannels(deps.config.alerts),
    logger: deps.logger,
  });
  try {
    return { window, result, rules, alerts: await alerter.notify(result.notify) };
  } finally {
    await alerter.close();
  }
}

/** The rule report for the rule analyzers; a failure leaves them without input, never the detectors. */
async function ruleExtra(
  deps: { config: Config; db: Db; logger: Logger },
  window: { from: string; to: string },
): Promise<Record<string, unknown>> {
  try {
    return await ruleReportExtra(deps.db, window, deps.config.rules);
  } catch (err) {
    deps.logger.warn({ err: errorMessage(err) }, 'rule report not built; rule analyzers skipped');
    return {};
  }
}
