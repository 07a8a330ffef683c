/**
 * How sure a narrowing proposal is (issue 12 §6): distinct peers alone say little when they were
 * all seen on one day, or when new ones kept arriving until the end of the window (a fleet that
 * grows, pods that get new addresses, partners that add hosts). Three facts decide:
 *
 * - **distinct peers** of the rule's remote side (sources of inbound, destinations of outbound);
 * - **days observed**: calendar days (UTC) with traffic on the rule, against the window's days;
 * - **churn**: the share of those peers first seen after the backtest split (the last
 *   `1 − backtestSplit` of the window). Peers still appearing late mean the allow-list learned from
 *   the window would miss the next one: above `maxChurn` the remote side is not narrowed at all
 *   (a wider proposal: ports and protocol only) and the confidence is low.
 */
export interface ConfidenceOptions {
  /** Fewer distinct peers than this is low confidence. */
  minPeers: number;
  /** At least this many distinct peers (with the two conditions below) is high. */
  highPeers: number;
  /** Share of the window's days with traffic below which confidence is low. */
  minDaysShare: number;
  /** Share of the window's days with traffic needed for high. */
  highDaysShare: number;
  /** Share of peers first seen late above which the remote side is left wide and confidence is low. */
  maxChurn: number;
  /** Churn at or below this is needed for high. */
  highChurn: number;
}

export const DEFAULT_CONFIDENCE: ConfidenceOptions = {
  minPeers: 3,
  highPeers: 20,
  minDaysShare: 0.5,
  highDaysShare: 0.8,
  maxChurn: 0.2,
  highChurn: 0.05,
};

export interface NarrowingConfidence {
  level: 'high' | 'medium' | 'low';
  distinctPeers: number;
  daysObserved: number;
  windowDays: number;
  /** Peers seen only after the backtest split. */
  latePeers: number;
  /** latePeers / distinctPeers (0 without peers). */
  churn: number;
  /** The remote side must not be narrowed to what was seen (churn above `maxChurn`). */
  keepRemote: boolean;
}

/** A flow of the rule as the confidence needs it: its remote peer and the days it was seen. */
export interface PeerDays {
  peer: string;
  days: readonly string[];
}

export function narrowingConfidence(
  early: readonly PeerDays[],
  late: readonly PeerDays[],
  windowDays: number,
  opts: ConfidenceOptions = DEFAULT_CONFIDENCE,
): NarrowingConfidence {
  const before = new Set(early.map((f) => f.peer));
  const all = new Set([...before, ...late.map((f) => f.peer)]);
  const latePeers = [...all].filter((p) => !before.has(p)).length;
  const days = new Set([...early, ...late].flatMap((f) => f.days)).size;
  const churn = all.size ? latePeers / all.size : 0;
  const span = Math.max(1, Math.round(windowDays));
  const daysShare = days / span;
  const keepRemote = churn > opts.maxChurn;
  const low = all.size < opts.minPeers || daysShare < opts.minDaysShare || keepRemote;
  const high = all.size >= opts.highPeers && daysShare >= opts.highDaysShare && churn <= opts.highChurn;
  return {
    level: low ? 'low' : high ? 'high' : 'medium',
    distinctPeers: all.size,
    daysObserved: days,
    windowDays: span,
    latePeers,
    churn,
    keepRemote,
  };
}

/** "low confidence (3 distinct peer(s) over 2 of 30 day(s); 1 first seen late)". */
export function describeConfidence(c: NarrowingConfidence): string {
  return (
    `${c.level} confidence (${c.distinctPeers} distinct peer(s) over ${c.daysObserved} of ` +
    `${c.windowDays} day(s); ${c.latePeers} first seen in the last part of the window)`
  );
}
