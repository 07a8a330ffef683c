import type { Db } from '../../../core/clickhouse/client.js';
import type { RuleReportOptions } from '../analysis/options.js';
import type { WhatIf } from '../analysis/types.js';
import { joinStats, usageKey } from '../analysis/usage.js';
import { loadInventory } from '../inventory/load.js';
import { queryKeyStatsCached } from '../join/key-cache.js';
import { queryKeyStats, queryObserved, type Window } from '../join/queries.js';
import type { NsgRule } from '../model/types.js';
import { replay, toWeightedFlows } from './replay.js';

export interface ProposalInput {
  /** NSG name (case-insensitive) or ARM id. */
  nsg: string;
  /** Name of the user rule to change. */
  rule: string;
  /** The replacement rule, or null to delete the rule. */
  proposed: NsgRule | null;
}

/**
 * What-if for a hand-edited proposal (API, change review): replays the window's flows of one rule
 * against the NSG with that rule replaced or deleted, and lists what would be newly denied.
 * Returns null when the NSG or rule is not in the inventory valid for the window.
 */
export async function whatIfProposal(
  db: Db,
  window: Window,
  input: ProposalInput,
  opts: RuleReportOptions,
): Promise<Omit<WhatIf, 'backtest'> | null> {
  const inventory = await loadInventory(db, window);
  const wanted = input.nsg.toLowerCase();
  const nsg = inventory.find((n) => n.name.toLowerCase() === wanted || n.id.toLowerCase() === wanted);
  const target = nsg?.rules.find(
    (r) => r.kind === 'user' && r.name.toLowerCase() === input.rule.toLowerCase(),
  );
  if (!nsg || !target) return null;
  // The rule groups' hits; whole closed days from the report's day cache unless the options say
  // not to (one coverage slice: coverage is unused here).
  const stats = opts.dayCache
    ? (await queryKeyStatsCached(db, window, 1)).stats
    : await queryKeyStats(db, window);
  const joined = joinStats([nsg], stats, []);
  const usage = joined.usage.get(usageKey(nsg.key, target));
  const rows = usage?.allowHits
    ? await queryObserved(db, window, usage.keys, window.to, opts.observedLimit)
    : [];
  const r = replay(nsg.rules, target, input.proposed, toWeightedFlows(rows), opts.ctx);
  return {
    newlyDenied: r.newlyDenied.slice(0, opts.maxDeniedListed),
    newlyDeniedCount: r.newlyDeniedHits,
    replayedFlows: r.replayedHits,
  };
}
