import type { TimeWindow } from '../../query/time.js';

export type RuleReportFormat = 'json' | 'md' | 'html' | 'csv';

/** What the rules package (analyze/rules) provides to the API: recommendations and reports. */
export interface RuleReportProvider {
  /** Recommendations (unused / overly permissive rules with proposed rules) as JSON-able data. */
  recommendations(window: TimeWindow): Promise<unknown>;
  /** The rule report rendered in `format`. */
  report(window: TimeWindow, format: RuleReportFormat): Promise<string>;
}
