import type { Severity } from '../../../core/finding.js';
import type { CompiledRule } from '../model/compile.js';
import { formatPortRanges } from '../model/ports.js';
import type { NsgRule } from '../model/types.js';
import { type NarrowingConfidence, narrowingConfidence } from '../tighten/confidence.js';
import { tighten } from '../tighten/narrow.js';
import { confidenceLevel, replay, type WeightedFlow } from '../whatif/replay.js';
import { coveringRule, exposedManagementPorts, isOpenToWorld } from './checks.js';
import type { RuleReportOptions } from './options.js';
import type { RuleAction, RuleCategory, WhatIf } from './types.js';
import type { RuleUsage } from './usage.js';

export interface RuleInput {
  rules: readonly NsgRule[];
  compiled: CompiledRule;
  ordered: readonly CompiledRule[];
  usage: RuleUsage | null;
  /** Coverage share over the part of the window the rule existed. */
  coverage: number;
  /** `truncated`: more distinct tuples than read; no proposal is made from a partial picture. */
  flows: { all: WeightedFlow[]; train: WeightedFlow[]; test: WeightedFlow[]; truncated?: boolean };
  split: string;
  /** Days the window spans; with it (and `days` on the flows) the narrowing confidence is computed. */
  windowDays?: number;
}

export interface Assessment {
  categories: RuleCategory[];
  severity: Severity;
  action: RuleAction;
  reasons: string[];
  proposed: NsgRule | null;
  unusedAttributes: string[];
  whatIf: WhatIf | null;
  /** Set when an allow rule had no hits but coverage was too thin to call it unused. */
  insufficient: string | null;
  /** How sure a narrowing is (peers, days observed, churn); null without one. */
  narrowing: NarrowingConfidence | null;
}

// Primary category: the most specific explanation first (a redundant rule is also unused, and that is why).
const ORDER: RuleCategory[] = [
  'management-port-open-to-internet',
  'open-to-internet-rule',
  'redundant-rule',
  'shadowed-rule',
  'overly-permissive-rule',
  'unused-allow-rule',
  'deny-hit-by-internal-source',
];
const SEVERITY_RANK: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** Every check for one rule, pure: static shape, usage, tightening, what-if and backtest. */
export function assessRule(input: RuleInput, opts: RuleReportOptions): Assessment {
  const a: Assessment = {
    categories: [],
    severity: 'info',
    action: 'review',
    reasons: [],
    proposed: null,
    unusedAttributes: [],
    whatIf: null,
    insufficient: null,
    narrowing: null,
  };
  const { rule } = input.compiled;
  if (rule.kind === 'user') staticChecks(input, opts, a);
  if (rule.access === 'deny' && (input.usage?.internalHits ?? 0) > 0) {
    flag(
      a,
      'deny-hit-by-internal-source',
      'medium',
      `Denied ${input.usage!.internalHits} flows from internal peers (${input.usage!.internalSources} sources): it may be blocking a needed service.`,
    );
  }
  if (rule.kind === 'user' && rule.access === 'allow') usageChecks(input, opts, a);
  finish(a, input, opts);
  return a;
}

function staticChecks(input: RuleInput, opts: RuleReportOptions, a: Assessment): void {
  const r = input.compiled;
  const mgmt = exposedManagementPorts(r);
  if (mgmt.length) {
    const names = mgmt.map((m) => `${m.name} (${m.port})`).join(', ');
    flag(
      a,
      'management-port-open-to-internet',
      'high',
      `Allows ${names} from the internet: use Azure Bastion, Defender for Cloud just-in-time access or a VPN instead of an open rule.`,
    );
  }
  if (isOpenToWorld(r, opts.broadPorts)) {
    const ports = formatPortRanges(r.dstPorts).join(', ');
    flag(
      a,
      'open-to-internet-rule',
      ports === '*' ? 'high' : 'medium',
      `Allows any internet source to ${ports === '*' ? 'every port' : `ports ${ports}`}.`,
    );
  }
  const cover = coveringRule(r, input.ordered);
  if (cover) {
    const same = cover.rule.access === r.rule.access;
    flag(
      a,
      same ? 'redundant-rule' : 'shadowed-rule',
      same ? 'info' : 'low',
      `Every flow it matches is already decided by higher-priority rule ${cover.rule.name} (${cover.rule.priority}, ${cover.rule.access})${same ? ': it is redundant' : ': it never takes effect'}.`,
    );
  }
}

function usageChecks(input: RuleInput, opts: RuleReportOptions, a: Assessment): void {
  if (!input.usage || input.usage.allowHits === 0) {
    const pct = Math.round(input.coverage * 100);
    if (input.coverage >= opts.minCoverage)
      flag(
        a,
        'unused-allow-rule',
        'low',
        `No flow used this allow rule in the window; flow logs covered the NSG ${pct}% of the time.`,
      );
    else
      a.insufficient = `no hits, but flow logs covered this NSG only ${pct}% of the window (need ${Math.round(opts.minCoverage * 100)}%)`;
    return;
  }
  if (input.flows.truncated) {
    a.reasons.push(
      `More than ${opts.observedLimit} distinct flows: no narrowing proposed from a partial sample.`,
    );
    return;
  }
  const confidence = confidenceOf(input, opts);
  const t = tighten(input.compiled, input.flows.all, opts.ctx, opts.tighten, confidence);
  if (t.proposed) {
    a.narrowing = confidence ?? null;
    flag(
      a,
      'overly-permissive-rule',
      'medium',
      `Observed traffic uses a small part of what it allows (narrower ${t.narrowed.join(', ')}).`,
    );
    a.proposed = t.proposed;
    a.unusedAttributes = t.unusedAttributes;
    a.reasons.push(t.breaks);
  }
}

/** Peers of the rule's remote side before and after the backtest split, with their days. */
function confidenceOf(input: RuleInput, opts: RuleReportOptions): NarrowingConfidence | undefined {
  if (input.windowDays === undefined) return undefined;
  const inbound = input.compiled.rule.direction === 'inbound';
  const peer = (f: WeightedFlow) => ({ peer: inbound ? f.srcText : f.dstText, days: f.days ?? [] });
  return narrowingConfidence(
    input.flows.train.map(peer),
    input.flows.test.map(peer),
    input.windowDays,
    opts.confidence,
  );
}

function flag(a: Assessment, c: RuleCategory, s: Severity, reason: string): void {
  a.categories.push(c);
  a.reasons.push(reason);
  if (SEVERITY_RANK.indexOf(s) > SEVERITY_RANK.indexOf(a.severity)) a.severity = s;
}

function finish(a: Assessment, input: RuleInput, opts: RuleReportOptions): void {
  a.categories.sort((x, y) => ORDER.indexOf(x) - ORDER.indexOf(y));
  const has = (c: RuleCategory) => a.categories.includes(c);
  if (has('unused-allow-rule') || has('redundant-rule')) a.action = 'remove';
  else if (a.proposed) a.action = 'narrow';
  if (a.action === 'review') return;
  const proposed = a.action === 'remove' ? null : a.proposed;
  const now = replay(input.rules, input.compiled.rule, proposed, input.flows.all, opts.ctx);
  a.whatIf = {
    newlyDenied: now.newlyDenied.slice(0, opts.maxDeniedListed),
    newlyDeniedCount: now.newlyDeniedHits,
    replayedFlows: now.replayedHits,
    backtest: backtest(input, opts, a.action, a.narrowing),
  };
}

function backtest(
  input: RuleInput,
  opts: RuleReportOptions,
  action: RuleAction,
  narrowing: NarrowingConfidence | null,
): WhatIf['backtest'] {
  const { train, test } = input.flows;
  const testHits = test.reduce((n, f) => n + f.hits, 0);
  if (action === 'narrow' && train.length === 0) {
    return { split: input.split, testFlows: testHits, newlyDenied: 0, confidence: null, level: 'n/a' };
  }
  // Learned on the first part only; a rule that cannot be narrowed there stays as it is.
  const learned =
    action === 'remove'
      ? null
      : (tighten(input.compiled, train, opts.ctx, opts.tighten, narrowing ?? undefined).proposed ??
        input.compiled.rule);
  const r = replay(input.rules, input.compiled.rule, learned, test, opts.ctx);
  const confidence = r.replayedHits ? 1 - r.newlyDeniedHits / r.replayedHits : null;
  return {
    split: input.split,
    testFlows: r.replayedHits,
    newlyDenied: r.newlyDeniedHits,
    confidence,
    level: confidenceLevel(confidence),
  };
}
