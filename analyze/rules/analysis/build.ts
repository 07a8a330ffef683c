import { createHash } from 'node:crypto';
import type { Db } from '../../../core/clickhouse/client.js';
import { ruleCommands } from '../commands/index.js';
import { type InventoryNsg, loadInventory, ruleRef } from '../inventory/load.js';
import { queryKeyStatsCached } from '../join/key-cache.js';
import { queryKeyStatsAndCoverage, queryObserved, querySamples, type Window } from '../join/queries.js';
import { type CompiledRule, compileRuleSet } from '../model/compile.js';
import { toWeightedFlows } from '../whatif/replay.js';
import { type Assessment, assessRule, type RuleInput } from './assess.js';
import { bucketOf, coverageHours, coverageShare, spanHours } from './coverage.js';
import type { RuleReportOptions } from './options.js';
import { listedPublicIps, lookupPeers } from './peers.js';
import type { Evidence, NsgCoverage, Recommendation, RuleReport } from './types.js';
import { type JoinedStats, joinStats, type RuleUsage, usageKey } from './usage.js';

/**
 * Builds the rule-tightening report for a window: inventory valid in the window, flows joined to
 * rules, every check per rule, what-if replay and backtest, generated commands. The API and the
 * CLI call this; renderers turn the result into JSON, Markdown, HTML or CSV.
 */
export async function buildRuleReport(db: Db, window: Window, opts: RuleReportOptions): Promise<RuleReport> {
  const inventory = await loadInventory(db, window);
  // One read of the window for the rule groups' hits and the NSGs' coverage (docs/operations.md).
  const keys = await (opts.dayCache ? queryKeyStatsCached : queryKeyStatsAndCoverage)(
    db,
    window,
    opts.coverageSlices,
  );
  const joined = joinStats(inventory, keys.stats, keys.coverage);
  const report: RuleReport = {
    generatedAt: opts.now().toISOString(),
    window: { ...window },
    coverage: [],
    insufficientData: [],
    recommendations: [],
    notes: [],
  };
  for (const nsg of inventory) {
    const ordered = compileRuleSet(nsg.rules, opts.ctx);
    const share = coverageShare(joined.buckets.get(nsg.key) ?? new Set(), opts.coverageSlices);
    report.coverage.push({
      nsg: nsg.name,
      nsgId: nsg.id,
      coverage: share,
      covered: share >= opts.minCoverage,
      ...coverageHours(share, spanHours(window, opts.coverageSlices), opts.minCoverage),
    } satisfies NsgCoverage);
    for (const r of ordered) await assessOne(db, window, opts, { nsg, ordered, compiled: r, joined }, report);
    noteUnresolved(nsg, ordered, report);
  }
  for (const u of joined.unmatched)
    report.notes.push(
      `flows of ${u.nsg || u.aclId} rule ${u.ruleName} (${u.hits}) match no imported NSG rule`,
    );
  report.recommendations.sort(
    (a, b) =>
      severityRank(b) - severityRank(a) ||
      a.nsg.localeCompare(b.nsg) ||
      a.current.priority - b.current.priority,
  );
  report.peers = await lookupPeers(db, listedPublicIps(report));
  return report;
}

interface Subject {
  nsg: InventoryNsg;
  ordered: CompiledRule[];
  compiled: CompiledRule;
  joined: JoinedStats;
}

async function assessOne(
  db: Db,
  window: Window,
  opts: RuleReportOptions,
  s: Subject,
  report: RuleReport,
): Promise<void> {
  const rule = s.compiled.rule;
  if (rule.kind === 'default' && rule.access === 'allow') return; // cannot be changed
  const usage = s.joined.usage.get(usageKey(s.nsg.key, rule)) ?? null;
  const split = splitAt(window, opts.backtestSplit);
  const flows = await observedFlows(db, window, usage, split, opts, rule.access === 'allow');
  const since = s.nsg.ruleSince.get(ruleRef(rule)) ?? '';
  const first = since ? bucketOf(since, window, opts.coverageSlices) : 0;
  const input: RuleInput = {
    rules: s.nsg.rules,
    compiled: s.compiled,
    ordered: s.ordered,
    usage,
    coverage: coverageShare(s.joined.buckets.get(s.nsg.key) ?? new Set(), opts.coverageSlices, first),
    flows,
    split,
    windowDays: (Date.parse(window.to) - Date.parse(window.from)) / 86_400_000,
  };
  const a = assessRule(input, opts);
  if (flows.truncated)
    report.notes.push(
      `${s.nsg.name}/${rule.name}: more than ${opts.observedLimit} distinct flows, no narrowing proposed`,
    );
  if (a.insufficient) {
    const hours = coverageHours(
      input.coverage,
      spanHours(window, opts.coverageSlices, first),
      opts.minCoverage,
    );
    report.insufficientData.push({
      nsg: s.nsg.name,
      rule: rule.name,
      coverage: input.coverage,
      reason: `${a.insufficient}: ${hours.coveredHours} h with flow logs, ${hours.requiredHours} h needed (${hours.missingHours} h more)`,
      ...hours,
    });
  }
  if (!a.categories.length) return;
  const internalOnly = a.categories.length === 1 && a.categories[0] === 'deny-hit-by-internal-source';
  const samples = await querySamples(
    db,
    window,
    usage?.keys ?? [],
    opts.sampleFlows,
    internalOnly ? 'NOT remote_is_public' : '1',
  );
  report.recommendations.push(toRecommendation(s.nsg, input, a, evidence(usage, flows.all, samples)));
}

async function observedFlows(
  db: Db,
  window: Window,
  usage: RuleUsage | null,
  split: string,
  opts: RuleReportOptions,
  wanted: boolean,
): Promise<RuleInput['flows']> {
  if (!wanted || !usage?.allowHits) return { all: [], train: [], test: [] };
  const rows = await queryObserved(db, window, usage.keys, split, opts.observedLimit);
  const train = toWeightedFlows(rows.filter((r) => r.late === 0));
  const test = toWeightedFlows(rows.filter((r) => r.late === 1));
  return { all: [...train, ...test], train, test, truncated: rows.length >= opts.observedLimit };
}

function evidence(
  usage: RuleUsage | null,
  flows: RuleInput['flows']['all'],
  samples: Evidence['sampleFlows'],
): Evidence {
  const sources = new Set(flows.map((f) => f.srcText));
  return {
    hits: usage?.hits ?? 0,
    distinctSources: flows.length ? sources.size : (usage?.sources ?? 0),
    observedPorts: [...new Set(flows.map((f) => f.dstPort))].sort((a, b) => a - b).slice(0, 100),
    firstHit: usage?.first ?? null,
    lastHit: usage?.last ?? null,
    sampleFlows: samples,
    formats: [...(usage?.formats ?? [])].sort(),
  };
}

function toRecommendation(nsg: InventoryNsg, input: RuleInput, a: Assessment, ev: Evidence): Recommendation {
  const rule = input.compiled.rule;
  const category = a.categories[0]!;
  return {
    id: createHash('sha256')
      .update(`${nsg.key}\n${ruleRef(rule)}\n${category}`)
      .digest('hex')
      .slice(0, 32),
    nsg: nsg.name,
    nsgId: nsg.id,
    resourceGroup: nsg.resourceGroup,
    subscriptionId: nsg.subscriptionId,
    rule: rule.name,
    category,
    categories: a.categories,
    severity: a.severity,
    action: a.action,
    reason: a.reasons.join(' '),
    current: rule,
    proposed: a.action === 'narrow' ? a.proposed : null,
    unusedAttributes: a.unusedAttributes,
    evidence: ev,
    whatIf: a.whatIf,
    ...(a.action === 'narrow' && a.narrowing ? { narrowing: a.narrowing } : {}),
    commands: ruleCommands({ resourceGroup: nsg.resourceGroup, nsg: nsg.name }, rule, a.proposed, a.action),
  };
}

function noteUnresolved(nsg: InventoryNsg, ordered: CompiledRule[], report: RuleReport): void {
  for (const r of ordered) {
    if (r.unresolved.length)
      report.notes.push(
        `${nsg.name}/${r.rule.name}: could not resolve ${r.unresolved.join(', ')} (treated as matching nothing)`,
      );
  }
}

function splitAt(w: Window, share: number): string {
  const from = Date.parse(w.from);
  return new Date(from + Math.round((Date.parse(w.to) - from) * share)).toISOString();
}

const RANK = ['info', 'low', 'medium', 'high', 'critical'];
const severityRank = (r: Recommendation) => RANK.indexOf(r.severity);
