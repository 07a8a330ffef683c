import type { z } from 'zod';
import type { Finding } from '../core/finding.js';
import type { IpSet } from './ip-set.js';

/** Half-open time range `[from, to)` the analyzer reports on. */
export interface AnalysisWindow {
  from: Date;
  to: Date;
}

/**
 * Inputs beyond flows that an analyzer may need. The runner fills what it has; analyzers must cope
 * with missing optional parts (e.g. the rules analyzers without an imported inventory).
 */
export interface AnalyzerContext {
  /** Threat-intelligence addresses (files or URLs from `analyze.threatIntel`). */
  threatIntel: IpSet;
  /** Wall clock of the run (only for "generated at"; detection uses the window, never the clock). */
  now: Date;
  /** Extra inputs keyed by name (e.g. `rules` for the NSG rules inventory). */
  extra: Readonly<Record<string, unknown>>;
}

/** One SQL statement with ClickHouse `{name:Type}` parameters and the zod schema of its rows. */
export interface AnalyzerQuery<Row> {
  sql: string;
  params: Record<string, unknown>;
  row: z.ZodType<Row>;
}

/**
 * A detector (docs/reference/design-brief.md §4): config schema with defaults, a query, and a pure decision.
 * `query` may return null when the analyzer needs no flows (detect then gets `[]`).
 */
export interface Analyzer<Config, Row> {
  id: string;
  title: string;
  /** The Finding category it emits (usually equal to `id`). */
  category: string;
  config: z.ZodType<Config, unknown>;
  query(config: Config, window: AnalysisWindow, context: AnalyzerContext): AnalyzerQuery<Row> | null;
  detect(rows: Row[], config: Config, window: AnalysisWindow, context: AnalyzerContext): Finding[];
}

/**
 * The registry's type-erased view of an analyzer: config parsing and the query/detect pair are
 * bound together, so heterogeneous analyzers fit in one list without `any`.
 */
export interface RegisteredAnalyzer {
  id: string;
  title: string;
  category: string;
  /** Parses this analyzer's config section (defaults filled); throws ZodError on bad input. */
  plan(rawConfig: unknown, window: AnalysisWindow, context: AnalyzerContext): AnalyzerPlan;
}

export interface AnalyzerPlan {
  query: AnalyzerQuery<unknown> | null;
  detect(rows: unknown[]): Finding[];
}

export function defineAnalyzer<Config, Row>(analyzer: Analyzer<Config, Row>): RegisteredAnalyzer {
  return {
    id: analyzer.id,
    title: analyzer.title,
    category: analyzer.category,
    plan(rawConfig, window, context) {
      const config = analyzer.config.parse(rawConfig ?? {});
      const query = analyzer.query(config, window, context);
      return {
        query: query as AnalyzerQuery<unknown> | null,
        detect: (rows) => analyzer.detect(rows as Row[], config, window, context),
      };
    },
  };
}
