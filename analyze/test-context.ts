import type { AnalysisWindow, AnalyzerContext } from './analyzer.js';
import { ipSet } from './ip-set.js';

/** A context for tests: no threat intel, no extras (excluded from the build, tsconfig.build.json). */
export function emptyContext(threatIntel: string[] = [], now = new Date(0)): AnalyzerContext {
  return { threatIntel: ipSet(threatIntel), now, extra: {} };
}

export function windowOf(from: string, to: string): AnalysisWindow {
  return { from: new Date(from), to: new Date(to) };
}
