import { z } from 'zod';
import type { Db } from '../core/clickhouse/client.js';
import { chIsoTime, chNumber, queryOne } from '../core/clickhouse/query.js';
import { type Clock, systemClock } from '../core/clock.js';
import type { Config } from '../core/config/schema.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logging.js';
import type { Metrics } from '../core/metrics.js';
import { sleep } from '../core/retry.js';
import { type Alerter, createAlerter } from './alerts/dispatcher.js';
import { createChannels } from './alerts/factory.js';
import type { AnalysisWindow, AnalyzerContext } from './analyzer.js';
import { Cadence } from './cadence.js';
import type { IpSet } from './ip-set.js';
import { type AnalysisMetrics, createAnalysisMetrics } from './metrics.js';
import { createRuleReportRefresher, type RuleReportRefresher } from './rules/analyzer.js';
import { type AnalysisResult, analyzeWindow, assertAnalyzerConfig, enabledAnalyzers } from './runner.js';
import { dt } from './sql.js';
import { loadThreatIntel } from './threat-intel.js';

/** What the loop needs from the application context (cli/context.ts AppContext satisfies it). */
export interface AnalysisLoopContext {
  config: Config;
  db: Db;
  logger: Logger;
  /** When given, analysis and alert counters go to its registry (AppContext has one). */
  metrics?: Pick<Metrics, 'registry'>;
  /** Wall clock (threat-intel refresh, cadence, findings' "generated at"); default: the system's. */
  now?: Clock;
}

const RangeRow = z.object({ n: chNumber, lo: chIsoTime, hi: chIsoTime, ing: chIsoTime });

/** Time range (data time) of rows ingested after `sinceMs` (ingest time), and the newest ingest time. */
export async function newDataRange(
  db: Db,
  sinceMs: number,
): Promise<{ window: AnalysisWindow; ingestedMs: number } | null> {
  const r = await queryOne(db.client, {
    sql:
      'SELECT count() AS n, min(time) AS lo, max(time) AS hi, max(ingested_at) AS ing FROM flows ' +
      `PREWHERE ingested_at > {since:DateTime64(3, 'UTC')}`,
    params: { since: dt(new Date(sinceMs)) },
    row: RangeRow,
  });
  if (!r || r.n === 0) return null;
  const hi = Date.parse(r.hi);
  return {
    window: { from: new Date(r.lo), to: new Date(hi + 1) },
    ingestedMs: Date.parse(r.ing),
  };
}

/**
 * The scheduler behind `flowlens run`: every `analyze.intervalSeconds`, analyze the data-time range
 * of rows ingested since the last tick (minus an overlap for inserts that committed late; re-analysis
 * is idempotent), store findings and send alerts. Resolves when `signal` aborts. Errors in one
 * tick are logged and the next tick tries again; the loop never ends on its own. Invalid analyzer
 * settings reject at once with a ConfigError (call {@link assertAnalyzerConfig} before starting
 * other services to fail fast). With `metrics`, analyzer durations, errors, alert candidates and
 * alert outcomes are counted on its registry.
 */
export async function startAnalysisLoop(ctx: AnalysisLoopContext, signal: AbortSignal): Promise<void> {
  const { config, db, logger } = ctx;
  const a = config.analyze;
  assertAnalyzerConfig(a);
  const metrics = ctx.metrics ? createAnalysisMetrics(ctx.metrics.registry) : undefined;
  const alerter = createAlerter({
    client: db.client,
    config: config.alerts,
    channels: createChannels(config.alerts),
    logger,
    ...(metrics ? { onOutcome: (channel, outcome) => metrics.alertsTotal.inc({ channel, outcome }) } : {}),
  });
  const inputs: TickInputs = {
    cadence: new Cadence(a.cadenceMinutes),
    intel: await loadThreatIntel(a.threatIntel, logger),
    // The rule analyzers read a report built over weeks of flows: rebuilt every rules.refreshMinutes, not per tick.
    rules: createRuleReportRefresher(db, config.rules, {
      refreshMs: config.rules.refreshMinutes * 60_000,
      clock: () => (ctx.now ?? systemClock)().getTime(),
      onError: (err) => logger.error({ err: errorMessage(err) }, 'rule report failed'),
    }),
  };
  const now = ctx.now ?? systemClock;
  let intelLoadedAt = now().getTime();
  let watermark = 0;
  try {
    while (!signal.aborted) {
      const started = now().getTime();
      if (started - intelLoadedAt >= a.threatIntel.refreshMinutes * 60_000) {
        inputs.intel = await loadThreatIntel(a.threatIntel, logger);
        intelLoadedAt = started;
      }
      try {
        watermark = await tick(ctx, watermark, inputs, { alerter, signal, metrics });
      } catch (err) {
        logger.error({ err: errorMessage(err) }, 'analysis tick failed');
      }
      await sleep(Math.max(0, a.intervalSeconds * 1000 - (now().getTime() - started)), signal);
    }
  } finally {
    await alerter.close();
  }
}

interface TickInputs {
  intel: IpSet;
  rules: RuleReportRefresher;
  cadence: Cadence;
}

/** Runs the analyzers due in this tick (analyze.cadenceMinutes), each group over its window. */
async function runScheduled(
  ctx: AnalysisLoopContext,
  cadence: Cadence,
  context: AnalyzerContext,
  window: AnalysisWindow,
): Promise<AnalysisResult> {
  const a = ctx.config.analyze;
  const merged: AnalysisResult = { findings: [], notify: [], errors: [], timings: {} };
  for (const run of cadence.plan(enabledAnalyzers(a), window, context.now.getTime())) {
    const deps = { client: ctx.db.client, config: a, context, logger: ctx.logger, analyzers: run.analyzers };
    const r = await analyzeWindow(deps, run.window);
    merged.findings.push(...r.findings);
    merged.notify.push(...r.notify);
    merged.errors.push(...r.errors);
    Object.assign(merged.timings, r.timings);
  }
  return merged;
}

interface TickOutputs {
  alerter: Alerter;
  signal: AbortSignal;
  metrics: AnalysisMetrics | undefined;
}

async function tick(
  ctx: AnalysisLoopContext,
  watermark: number,
  inputs: TickInputs,
  out: TickOutputs,
): Promise<number> {
  const a = ctx.config.analyze;
  const since = watermark === 0 ? 0 : watermark - a.overlapSeconds * 1000;
  const range = await newDataRange(ctx.db, since);
  if (!range) return watermark;
  const earliest = range.window.to.getTime() - a.initialLookbackHours * 3_600_000;
  const window =
    watermark === 0
      ? { from: new Date(Math.max(range.window.from.getTime(), earliest)), to: range.window.to }
      : range.window;
  const context: AnalyzerContext = {
    threatIntel: inputs.intel,
    now: (ctx.now ?? systemClock)(),
    extra: await inputs.rules.extra(window.to),
  };
  const result = await runScheduled(ctx, inputs.cadence, context, window);
  recordMetrics(out.metrics, result);
  const stats = await out.alerter.notify(result.notify, out.signal);
  ctx.logger.info(
    {
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      findings: result.findings.length,
      errors: result.errors.length,
      analyzerMs: result.timings,
      ...stats,
    },
    'analysis tick',
  );
  return Math.max(watermark, range.ingestedMs);
}

function recordMetrics(m: AnalysisMetrics | undefined, result: AnalysisResult): void {
  if (!m) return;
  for (const [analyzer, ms] of Object.entries(result.timings))
    m.analyzerSeconds.observe({ analyzer }, ms / 1000);
  for (const e of result.errors) m.analyzerErrorsTotal.inc({ analyzer: e.analyzer });
  for (const f of result.notify) m.findingsTotal.inc({ category: f.category, severity: f.severity });
}
