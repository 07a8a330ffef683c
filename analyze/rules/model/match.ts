import { addressMatches } from './addresses.js';
import type { CompiledRule } from './compile.js';
import { portInRanges } from './ports.js';
import type { FlowTuple } from './types.js';

/**
 * Does `rule` apply to `flow`? Direction, protocol, both ports and both addresses must match.
 * @see https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works
 */
export function matches(rule: CompiledRule, flow: FlowTuple): boolean {
  return (
    rule.rule.direction === flow.direction &&
    (rule.protocols === null || rule.protocols.includes(flow.protocol)) &&
    portInRanges(rule.dstPorts, flow.dstPort) &&
    portInRanges(rule.srcPorts, flow.srcPort) &&
    addressMatches(rule.src, flow.srcIp) &&
    addressMatches(rule.dst, flow.dstIp)
  );
}

/** The rule that decides `flow`: the first match in evaluation order (see `compileRuleSet`). */
export function firstMatchingRule(rules: readonly CompiledRule[], flow: FlowTuple): CompiledRule | null {
  for (const r of rules) if (matches(r, flow)) return r;
  return null;
}

/** The NSG's verdict; no matching rule means deny (default rules end in DenyAll). */
export function verdict(rules: readonly CompiledRule[], flow: FlowTuple): 'allow' | 'deny' {
  return firstMatchingRule(rules, flow)?.rule.access ?? 'deny';
}
