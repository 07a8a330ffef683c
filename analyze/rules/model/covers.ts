import { addressSetContains } from './addresses.js';
import type { CompiledRule } from './compile.js';
import { rangesContain } from './ports.js';
import { protocolContains } from './protocol.js';

/**
 * True when every flow `inner` matches is also matched by `outer` (same direction). Used for
 * shadowed and redundant rules: if a higher-priority rule covers a rule, the lower one never decides.
 */
export function ruleCovers(outer: CompiledRule, inner: CompiledRule): boolean {
  return (
    outer.rule.direction === inner.rule.direction &&
    protocolContains(outer.rule.protocol, inner.rule.protocol) &&
    rangesContain(outer.srcPorts, inner.srcPorts) &&
    rangesContain(outer.dstPorts, inner.dstPorts) &&
    addressSetContains(outer.src, inner.src) &&
    addressSetContains(outer.dst, inner.dst)
  );
}
