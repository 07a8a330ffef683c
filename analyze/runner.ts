import type { ClickHouseClient } from '@clickhouse/client';
import type { AnalyzeConfig } from '../core/config/sections/analyze.js';
import { ConfigError, errorMessage } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { readFindings, writeFindings } from '../core/findings/store.js';
import type { Logger } from '../core/logging.js';
import type { AnalysisWindow, AnalyzerContext, RegisteredAnalyzer } from './analyzer.js';
import { ANALYZERS } from './analyzers/index.js';
import { executeQuery } from './execute.js';
import { linkWithStored } from './incident-history.js';
import { linkIncidents } from './incidents.js';
import { type Merge, mergeDetection } from './lifecycle.js';
import { applySuppressions } from './suppress.js';

export interface AnalysisDeps {
  client: ClickHouseClient;
  config: AnalyzeConfig;
  context: AnalyzerContext;
  analyzers?: readonly RegisteredAnalyzer[];
  logger?: Logger;
}

export interface AnalyzerError {
  analyzer: string;
  error: string;
}

export interface AnalysisResult {
  /** Every finding detected in the window, with its stored status (acknowledged, suppressed…). */
  findings: Finding[];
  /** Open findings that are new, have new activity, escalated or reopened: alert candidates. */
  notify: Finding[];
  errors: AnalyzerError[];
  /** Wall time per analyzer (query + detect), milliseconds: what a tick costs and where. */
  timings: Record<string, number>;
}

/** Analyzers that are not disabled, in registry order. */
export function enabledAnalyzers(config: AnalyzeConfig, analyzers = ANALYZERS): RegisteredAnalyzer[] {
  return analyzers.filter((a) => !config.disabled.includes(a.id));
}

/**
 * Validates every analyzer's config section up front so `flowlens run` fails at start with every
 * problem listed rather than at the first tick. Unknown analyzer ids are problems too (typos).
 */
export function analyzerConfigProblems(config: AnalyzeConfig, analyzers = ANALYZERS): string[] {
  const problems: string[] = [];
  const ids = new Set(analyzers.map((a) => a.id));
  for (const id of [
    ...Object.keys(config.analyzers),
    ...Object.keys(config.cadenceMinutes),
    ...config.disabled,
  ]) {
    if (!ids.has(id)) problems.push(`analyze: unknown analyzer "${id}" (known: ${[...ids].join(', ')})`);
  }
  const probe: AnalysisWindow = { from: new Date(0), to: new Date(1) };
  for (const a of analyzers) {
    try {
      a.plan(config.analyzers[a.id] ?? {}, probe, {
        threatIntel: { size: 0, has: () => false, match: () => undefined },
        now: new Date(0),
        extra: {},
      });
    } catch (err) {
      problems.push(`analyze.analyzers.${a.id}: ${errorMessage(err)}`);
    }
  }
  return problems;
}

/** Throws a ConfigError listing every analyzer configuration problem (for start-up checks). */
export function assertAnalyzerConfig(config: AnalyzeConfig, analyzers = ANALYZERS): void {
  const problems = analyzerConfigProblems(config, analyzers);
  if (problems.length) throw new ConfigError(problems);
}

/**
 * Query → detect → suppress for every enabled analyzer over one window (no storage). One failing
 * analyzer is reported and the others still run.
 */
export async function detectWindow(
  deps: AnalysisDeps,
  window: AnalysisWindow,
): Promise<{ findings: Finding[]; errors: AnalyzerError[]; timings: Record<string, number> }> {
  const findings: Finding[] = [];
  const errors: AnalyzerError[] = [];
  const timings: Record<string, number> = {};
  for (const analyzer of enabledAnalyzers(deps.config, deps.analyzers)) {
    const started = performance.now();
    try {
      const plan = analyzer.plan(deps.config.analyzers[analyzer.id] ?? {}, window, deps.context);
      const rows = plan.query ? await executeQuery(deps.client, plan.query) : [];
      findings.push(...plan.detect(rows));
    } catch (err) {
      errors.push({ analyzer: analyzer.id, error: errorMessage(err) });
      deps.logger?.error({ analyzer: analyzer.id, err: errorMessage(err) }, 'analyzer failed');
    }
    timings[analyzer.id] = Math.round(performance.now() - started);
  }
  return {
    findings: applySuppressions(linkIncidents(dedupe(findings)), deps.config.suppressions, deps.context.now),
    errors,
    timings,
  };
}

/** {@link detectWindow}, then upsert into `findings` (+ history) and return stored statuses. */
export async function analyzeWindow(deps: AnalysisDeps, window: AnalysisWindow): Promise<AnalysisResult> {
  const detected = await detectWindow(deps, window);
  const { errors, timings } = detected;
  const now = deps.context.now;
  // Parts found in earlier windows join this window's incidents (and are written back with them).
  const { findings, restamped } = await linkWithStored(deps.client, detected.findings, window.from);
  if (restamped.length) await writeFindings(deps.client, restamped, [], now);
  const existing = await readFindings(
    deps.client,
    findings.map((f) => f.id),
  );
  const merges: Merge[] = [];
  const out: Finding[] = [];
  for (const f of findings) {
    const prev = existing.get(f.id);
    const m = mergeDetection(prev, f, now);
    if (m) merges.push(m);
    out.push(m ? m.stored.finding : (prev?.finding ?? f));
  }
  await writeFindings(
    deps.client,
    merges.map((m) => m.stored),
    merges.flatMap((m) => m.events),
    now,
  );
  return {
    findings: out,
    notify: merges.filter((m) => m.notify).map((m) => m.stored.finding),
    errors,
    timings,
  };
}

function dedupe(findings: Finding[]): Finding[] {
  const byId = new Map<string, Finding>();
  for (const f of findings) {
    const prev = byId.get(f.id);
    if (!prev || f.lastSeen > prev.lastSeen) byId.set(f.id, f);
  }
  return [...byId.values()];
}
