import { type Cidr, cidrContains, ipBytes, isV4Mapped, parseCidr } from '../../../core/net/ip.js';
import type { AnalyzerContext } from '../../analyzer.js';
import { NSG_INVENTORY_EXTRA } from '../../rules/inventory/extra.js';
import type { InventoryNsg } from '../../rules/inventory/load.js';
import { type FlowKey, indexNsgs, type NsgIndex, resolveNsg, resolveRule } from '../../rules/join/resolve.js';
import type { NsgRule } from '../../rules/model/types.js';
import type { ExposedManagementPortConfig } from './config.js';

type ScopeConfig = ExposedManagementPortConfig['ruleScope'];

/**
 * How open the rule that allowed the flows is, from its source side in the NSG inventory:
 * - `open`: `*`, `Internet`, `0.0.0.0/0` or a very wide prefix — anyone on the internet can connect;
 * - `restricted`: a few fixed addresses or small prefixes, and every source seen lies inside them;
 * - `unknown`: no inventory, the rule not found, service tags/ASGs, a middle-sized scope, or sources
 *   outside the rule (a stale inventory) — the detector then keeps its flow-only judgement.
 */
export type RuleScope =
  | { kind: 'open'; rules: string[]; allowed: string[] }
  | { kind: 'restricted'; rules: string[]; allowed: string[] }
  | { kind: 'unknown'; rules: string[]; allowed: string[]; note?: string };

/** The inventory the runner put in the analyzer context (`rules` report extra), indexed; null without one. */
export function inventoryIndex(context: Pick<AnalyzerContext, 'extra'>): NsgIndex | null {
  const value = context.extra[NSG_INVENTORY_EXTRA] as InventoryNsg[] | undefined;
  return Array.isArray(value) && value.length ? indexNsgs(value) : null;
}

/** `[nsg, acl_id, subscription_id, resource_group, rule_name, rule_kind]` as the query returns them. */
export type RuleKeyTuple = readonly string[];

export function toFlowKey(t: RuleKeyTuple): FlowKey {
  const [nsg = '', aclId = '', subscriptionId = '', resourceGroup = '', ruleName = '', ruleKind = ''] = t;
  return { nsg, aclId, subscriptionId, resourceGroup, ruleName, ruleKind };
}

/** The scope of the rules that allowed a row's flows, judged together with the sources seen. */
export function ruleScope(
  keys: readonly RuleKeyTuple[],
  sourceIps: readonly string[],
  index: NsgIndex | null,
  config: ScopeConfig,
): RuleScope {
  if (!index || !keys.length) return { kind: 'unknown', rules: [], allowed: [] };
  const rules: NsgRule[] = [];
  const names: string[] = [];
  for (const key of keys.map(toFlowKey)) {
    const nsg = resolveNsg(key, index);
    const rule = nsg && resolveRule(nsg, key);
    if (!nsg || !rule) return { kind: 'unknown', rules: [], allowed: [] };
    rules.push(rule);
    names.push(`${nsg.name}/${rule.name}`);
  }
  const allowed = [...new Set(rules.flatMap((r) => [...r.sourceAddresses, ...r.sourceAsgs]))];
  const kinds = rules.map((r) => sourceKind(r, config));
  if (kinds.includes('open')) return { kind: 'open', rules: names, allowed };
  if (kinds.some((k) => k !== 'restricted')) return { kind: 'unknown', rules: names, allowed };
  const cidrs = rules.flatMap((r) => r.sourceAddresses.map((a) => parseCidr(a)!));
  const outside = sourceIps.filter((ip) => !inside(cidrs, ip));
  if (outside.length)
    return {
      kind: 'unknown',
      rules: names,
      allowed,
      note: `sources outside the rule's allowed addresses (${outside.slice(0, 5).join(', ')}): the imported inventory may be stale`,
    };
  return { kind: 'restricted', rules: names, allowed };
}

const ANY_WORDS = new Set(['*', 'any', 'internet', '0.0.0.0/0', '::/0']);

/** Open, restricted, or neither (tags, ASGs, a middle-sized or long list of prefixes). */
export function sourceKind(rule: NsgRule, config: ScopeConfig): 'open' | 'restricted' | 'other' {
  const terms = rule.sourceAddresses.map((t) => t.trim());
  if (!terms.length && !rule.sourceAsgs.length) return 'open';
  if (terms.some((t) => ANY_WORDS.has(t.toLowerCase()))) return 'open';
  const cidrs = terms.map(parseCidr);
  if (cidrs.some((c) => c && widerOrEqual(c, config.openWidestPrefixV4, config.openWidestPrefixV6)))
    return 'open';
  if (rule.sourceAsgs.length || cidrs.some((c) => !c)) return 'other';
  if (terms.length > config.restrictedMaxEntries) return 'other';
  const tooWide = (c: Cidr) => widerThan(c, config.restrictedWidestPrefixV4, config.restrictedWidestPrefixV6);
  return cidrs.some((c) => tooWide(c!)) ? 'other' : 'restricted';
}

function prefixLength(c: Cidr): { v4: boolean; len: number } {
  const v4 = isV4Mapped(c.bytes);
  return { v4, len: v4 ? c.prefix - 96 : c.prefix };
}

function widerOrEqual(c: Cidr, v4Max: number, v6Max: number): boolean {
  const { v4, len } = prefixLength(c);
  return len <= (v4 ? v4Max : v6Max);
}

function widerThan(c: Cidr, v4Min: number, v6Min: number): boolean {
  const { v4, len } = prefixLength(c);
  return len < (v4 ? v4Min : v6Min);
}

function inside(cidrs: readonly Cidr[], ip: string): boolean {
  const bytes = ipBytes(ip);
  return !!bytes && cidrs.some((c) => cidrContains(c, bytes));
}
