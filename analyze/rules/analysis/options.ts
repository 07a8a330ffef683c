import { systemClock } from '../../../core/clock.js';
import type { AddressContext } from '../model/context.js';
import { createAddressContext } from '../model/context.js';
import { type ConfidenceOptions, DEFAULT_CONFIDENCE } from '../tighten/confidence.js';
import { DEFAULT_TIGHTEN, type TightenOptions } from '../tighten/narrow.js';

export interface RuleReportOptions {
  ctx: AddressContext;
  tighten: TightenOptions;
  /** Narrowing confidence from peers, days observed and churn (tighten/confidence.ts). */
  confidence: ConfidenceOptions;
  /** Equal slices of the window used to measure flow-log coverage. */
  coverageSlices: number;
  /** Minimum share of slices with data before "no hits" may be called "unused". */
  minCoverage: number;
  /** More allowed ports than this from the internet counts as open to the world. */
  broadPorts: number;
  /** Backtest: propose from the first share of the window, replay the rest. */
  backtestSplit: number;
  /** Cap on distinct observed tuples read per rule. */
  observedLimit: number;
  sampleFlows: number;
  /** Listed newly denied flows per recommendation (the count is always exact). */
  maxDeniedListed: number;
  /**
   * Serve whole closed days from the per-day cache (`rule_key_days`, analyze/rules/join/key-cache.ts);
   * false reads every flow of the window (the same report, read the slow way).
   */
  dayCache: boolean;
  now: () => Date;
}

export function defaultReportOptions(overrides: Partial<RuleReportOptions> = {}): RuleReportOptions {
  return {
    ctx: createAddressContext({}),
    tighten: DEFAULT_TIGHTEN,
    confidence: DEFAULT_CONFIDENCE,
    coverageSlices: 30,
    minCoverage: 0.9,
    broadPorts: 10,
    backtestSplit: 0.7,
    observedLimit: 100_000,
    sampleFlows: 5,
    maxDeniedListed: 1000,
    dayCache: true,
    now: systemClock,
    ...overrides,
  };
}
