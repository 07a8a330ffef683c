import type { AnalysisWindow, RegisteredAnalyzer } from './analyzer.js';

/** A group of analyzers to run over one window in this tick. */
export interface ScheduledRun {
  analyzers: RegisteredAnalyzer[];
  window: AnalysisWindow;
}

/**
 * Per-analyzer cadence for the loop (pure state machine). Analyzers without a cadence run every
 * tick over the tick's window. An analyzer with a cadence runs when at least that many minutes passed
 * since its last run, over the union of every window it skipped, so no data is left unanalyzed.
 */
export class Cadence {
  private readonly pending = new Map<string, AnalysisWindow>();
  private readonly lastRun = new Map<string, number>();

  constructor(private readonly minutes: Readonly<Record<string, number>>) {}

  plan(analyzers: readonly RegisteredAnalyzer[], window: AnalysisWindow, nowMs: number): ScheduledRun[] {
    const everyTick: RegisteredAnalyzer[] = [];
    const runs: ScheduledRun[] = [];
    for (const a of analyzers) {
      const every = this.minutes[a.id];
      if (every === undefined) {
        everyTick.push(a);
        continue;
      }
      const union = unite(this.pending.get(a.id), window);
      const last = this.lastRun.get(a.id);
      if (last !== undefined && nowMs - last < every * 60_000) {
        this.pending.set(a.id, union);
        continue;
      }
      this.pending.delete(a.id);
      this.lastRun.set(a.id, nowMs);
      runs.push({ analyzers: [a], window: union });
    }
    return everyTick.length ? [{ analyzers: everyTick, window }, ...runs] : runs;
  }
}

function unite(a: AnalysisWindow | undefined, b: AnalysisWindow): AnalysisWindow {
  if (!a) return b;
  return {
    from: a.from < b.from ? a.from : b.from,
    to: a.to > b.to ? a.to : b.to,
  };
}
