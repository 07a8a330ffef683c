import { type AddressSet, compileAddresses } from './addresses.js';
import type { AddressContext } from './context.js';
import { type PortRange, parsePorts } from './ports.js';
import { protocolNumbers } from './protocol.js';
import type { NsgRule } from './types.js';

/** A rule with its sides parsed once, ready for matching thousands of flows. */
export interface CompiledRule {
  rule: NsgRule;
  /** null = any protocol. */
  protocols: readonly number[] | null;
  srcPorts: PortRange[];
  dstPorts: PortRange[];
  src: AddressSet;
  dst: AddressSet;
  /** Terms the model could not use (bad ports, unknown tags, ASGs without membership). */
  unresolved: string[];
}

export function compileRule(rule: NsgRule, ctx: AddressContext): CompiledRule {
  const sp = parsePorts(rule.sourcePorts.length ? rule.sourcePorts : ['*']);
  const dp = parsePorts(rule.destinationPorts.length ? rule.destinationPorts : ['*']);
  const src = compileAddresses(rule.sourceAddresses, rule.sourceAsgs, ctx);
  const dst = compileAddresses(rule.destinationAddresses, rule.destinationAsgs, ctx);
  return {
    rule,
    protocols: protocolNumbers(rule.protocol),
    srcPorts: sp.ranges,
    dstPorts: dp.ranges,
    src,
    dst,
    unresolved: [...sp.invalid, ...dp.invalid, ...src.unresolved, ...dst.unresolved],
  };
}

/**
 * Evaluation order: priority ascending. Azure forbids equal priorities within one direction of an
 * NSG; when data still has a tie (hand-written input, merged snapshots) user rules go before default
 * rules, deny before allow (the conservative reading), then by name so the order is deterministic.
 * @see https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules
 */
export function compareRules(a: NsgRule, b: NsgRule): number {
  return (
    a.priority - b.priority ||
    (a.kind === b.kind ? 0 : a.kind === 'user' ? -1 : 1) ||
    (a.access === b.access ? 0 : a.access === 'deny' ? -1 : 1) ||
    a.name.localeCompare(b.name)
  );
}

/** Compiles and sorts the rules of one NSG into evaluation order. */
export function compileRuleSet(rules: readonly NsgRule[], ctx: AddressContext): CompiledRule[] {
  return [...rules].sort(compareRules).map((r) => compileRule(r, ctx));
}
