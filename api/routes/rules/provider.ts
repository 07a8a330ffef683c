import type { TimeWindow } from '../../query/time.js';

export type RuleReportFormat = 'json' | 'md' | 'html' | 'csv';

/** One rule of the NSG inventory, as the rules package models it. */
export interface InventoryRule {
  nsg: string;
  name: string;
  [field: string]: unknown;
}

/**
 * What the rules package (analyze/rules) gives the API. The API serves hit counts from the flow
 * rollups by itself; inventory, recommendations and the report come from here when wired.
 */
export interface RuleReportProvider {
  /** Every rule of every imported NSG (so rules with zero hits show up). */
  inventory?(): Promise<InventoryRule[]>;
  /** Unused / overly permissive rules with proposed rules and what-if results, as JSON-able data. */
  recommendations(window: TimeWindow): Promise<unknown>;
  /** The rule report rendered in `format`. */
  report(window: TimeWindow, format: RuleReportFormat): Promise<string>;
}
