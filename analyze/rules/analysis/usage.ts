import type { InventoryNsg } from '../inventory/load.js';
import { type KeyStats, keyString } from '../join/queries.js';
import { type FlowKey, indexNsgs, resolveNsg, resolveRule } from '../join/resolve.js';

/** Traffic attributed to one rule of one NSG over the window. */
export interface RuleUsage {
  /** Raw `nsg|acl_id|rule_name` keys of the flow groups behind this rule (for follow-up queries). */
  keys: string[];
  hits: number;
  allowHits: number;
  denyHits: number;
  /** Sum over flow groups: an upper bound when NSG and VNet logs both saw a source. */
  sources: number;
  internalHits: number;
  internalSources: number;
  first: string | null;
  last: string | null;
  formats: Set<string>;
}

export interface JoinedStats {
  usage: Map<string, RuleUsage>;
  /** nsg key → coverage slices with data. */
  buckets: Map<string, Set<number>>;
  /** Flow groups that name an NSG or rule the inventory does not know. */
  unmatched: KeyStats[];
}

export const usageKey = (nsgKey: string, rule: { kind: string; name: string }) =>
  `${nsgKey}\n${rule.kind}/${rule.name}`;

/** Attributes flow groups to inventory rules (pure; see `resolveNsg` / `resolveRule`). */
export function joinStats(
  inventory: readonly InventoryNsg[],
  stats: readonly KeyStats[],
  coverage: readonly { key: FlowKey; buckets: number[] }[],
): JoinedStats {
  const index = indexNsgs(inventory);
  const out: JoinedStats = { usage: new Map(), buckets: new Map(), unmatched: [] };
  for (const s of stats) {
    const nsg = resolveNsg(s, index);
    const rule = nsg ? resolveRule(nsg, s) : null;
    if (!nsg || !rule) {
      if (s.ruleKind === 'user' || s.ruleKind === 'default') out.unmatched.push(s);
      continue;
    }
    const k = usageKey(nsg.key, rule);
    const u = out.usage.get(k) ?? emptyUsage();
    add(u, s);
    out.usage.set(k, u);
  }
  for (const c of coverage) {
    const nsg = resolveNsg(c.key, index);
    if (!nsg) continue;
    const set = out.buckets.get(nsg.key) ?? new Set<number>();
    for (const b of c.buckets) set.add(b);
    out.buckets.set(nsg.key, set);
  }
  return out;
}

function emptyUsage(): RuleUsage {
  return {
    keys: [],
    hits: 0,
    allowHits: 0,
    denyHits: 0,
    sources: 0,
    internalHits: 0,
    internalSources: 0,
    first: null,
    last: null,
    formats: new Set(),
  };
}

function add(u: RuleUsage, s: KeyStats): void {
  const key = keyString(s);
  if (!u.keys.includes(key)) u.keys.push(key);
  u.hits += s.hits;
  if (s.action === 'allow') u.allowHits += s.hits;
  else u.denyHits += s.hits;
  u.sources += s.sources;
  u.internalHits += s.internalHits;
  u.internalSources += s.internalSources;
  u.first = !u.first || s.first < u.first ? s.first : u.first;
  u.last = !u.last || s.last > u.last ? s.last : u.last;
  for (const f of s.formats) u.formats.add(f);
}
