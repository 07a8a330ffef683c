import type { SampleFlow, Severity } from '../../../core/finding.js';
import type { NsgRule } from '../model/types.js';
import type { NarrowingConfidence } from '../tighten/confidence.js';
import type { CoverageHours } from './coverage.js';

/**
 * The rule-tightening report: what `flowlens report rules --format json` prints and what the API
 * serves. Add fields, never rename.
 */
export const RULE_CATEGORIES = [
  'unused-allow-rule',
  'overly-permissive-rule',
  'open-to-internet-rule',
  'management-port-open-to-internet',
  'shadowed-rule',
  'redundant-rule',
  'deny-hit-by-internal-source',
] as const;
export type RuleCategory = (typeof RULE_CATEGORIES)[number];
export type RuleAction = 'remove' | 'narrow' | 'review';

export interface Evidence {
  hits: number;
  distinctSources: number;
  /** Distinct destination ports seen (up to 100, ascending). */
  observedPorts: number[];
  firstHit: string | null;
  lastHit: string | null;
  sampleFlows: SampleFlow[];
  /** Flow-log formats the hits came from (`nsg-v2`, `vnet`, …). */
  formats: string[];
}

/** A distinct flow the proposed rules would deny although the current ones allowed it. */
export interface DeniedFlow {
  srcIp: string;
  dstIp: string;
  dstPort: number;
  protocol: number;
  direction: 'inbound' | 'outbound';
  hits: number;
}

export interface Backtest {
  /** Proposal derived from [trainFrom, split), replayed on [split, to). */
  split: string;
  testFlows: number;
  newlyDenied: number;
  /** 1 − newlyDenied / testFlows; null when the test part had no traffic. */
  confidence: number | null;
  level: 'high' | 'medium' | 'low' | 'n/a';
}

export interface WhatIf {
  newlyDenied: DeniedFlow[];
  newlyDeniedCount: number;
  /** Flows (sum of hits) replayed. */
  replayedFlows: number;
  backtest: Backtest | null;
}

export interface Recommendation {
  /** Stable: same NSG, rule and category → same id across runs. */
  id: string;
  nsg: string;
  nsgId: string;
  resourceGroup: string;
  subscriptionId: string;
  rule: string;
  /** The main category; `categories` lists every check that flagged the rule. */
  category: RuleCategory;
  categories: RuleCategory[];
  severity: Severity;
  action: RuleAction;
  reason: string;
  current: NsgRule;
  proposed: NsgRule | null;
  unusedAttributes: string[];
  evidence: Evidence;
  whatIf: WhatIf | null;
  /** How sure the narrowing is: distinct peers, days observed, churn (set on `narrow`). */
  narrowing?: NarrowingConfidence;
  commands: { az: string; bicep: string; terraform: string };
}

export interface NsgCoverage extends CoverageHours {
  nsg: string;
  nsgId: string;
  /** Share of the window's slices with any flow of this NSG (0–1). */
  coverage: number;
  covered: boolean;
}

/** An allow rule without hits whose NSG's flow logs were too short to call it unused. */
export interface InsufficientData extends CoverageHours {
  nsg: string;
  rule: string;
  /** Share of the rule's part of the window with flow logs (0–1). */
  coverage: number;
  reason: string;
}

export interface RuleReport {
  generatedAt: string;
  window: { from: string; to: string };
  coverage: NsgCoverage[];
  /** Allow rules without hits on NSGs whose flow logs do not cover the window: no verdict. */
  insufficientData: InsufficientData[];
  recommendations: Recommendation[];
  /** Caveats: unresolved service tags/ASGs, flow groups that matched no known rule. */
  notes: string[];
  /** Country, AS, service tag and threat lists of the internet addresses in the evidence flows, by address (enrichment). */
  peers?: Record<string, PeerInfo>;
}

export interface PeerInfo {
  country: string;
  asn: number;
  asName: string;
  /** Most specific Azure service tag, '' when none applies. */
  serviceTag?: string;
  /** Threat-intel lists naming the address. */
  threatLists?: string[];
}
