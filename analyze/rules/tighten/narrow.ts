import { formatIp } from '../../../core/net/ip.js';
import {
  type AddressSet,
  addressSetContains,
  addressSpaceSize,
  compileAddresses,
} from '../model/addresses.js';
import type { CompiledRule } from '../model/compile.js';
import type { AddressContext } from '../model/context.js';
import { formatPortRanges, portCount, subtractRanges } from '../model/ports.js';
import { protocolName } from '../model/protocol.js';
import type { NsgRule, RuleProtocol } from '../model/types.js';
import { aggregatePorts, intersectRanges } from './aggregate-ports.js';
import { aggregatePrefixes } from './aggregate-prefixes.js';

/** One distinct observed (source, destination, port, protocol) that the rule allowed. */
export interface ObservedTuple {
  srcIp: Uint8Array;
  dstIp: Uint8Array;
  dstPort: number;
  protocol: number;
}

export interface TightenOptions {
  /** Propose a narrower side when it keeps at most this share of what the rule allows (0–1). */
  maxShare: number;
  maxPrefixes: number;
  maxPortEntries: number;
  minPrefixV4: number;
  minPrefixV6: number;
  /** Above this many distinct addresses a side is not turned into an allow-list. */
  maxDistinctAddresses: number;
}

export const DEFAULT_TIGHTEN: TightenOptions = {
  maxShare: 0.5,
  maxPrefixes: 8,
  maxPortEntries: 8,
  minPrefixV4: 16,
  minPrefixV6: 48,
  maxDistinctAddresses: 4096,
};

export type NarrowedSide = 'sources' | 'destinations' | 'ports' | 'protocol';

export interface Tightening {
  /** The rule with narrowed fields, or null when nothing can be narrowed usefully. */
  proposed: NsgRule | null;
  narrowed: NarrowedSide[];
  /** What the rule allows that the window's traffic never used, in words. */
  unusedAttributes: string[];
}

/**
 * Proposes the narrowest rule that still allows every observed tuple: observed sources and
 * destinations as covering prefixes, observed ports as a list or ranges, a single protocol. Each
 * proposed side stays inside what the rule allowed (never widens) and service tags / ASGs are kept,
 * since they follow Azure-side changes that a fixed prefix list would not.
 */
export function tighten(
  rule: CompiledRule,
  observed: readonly ObservedTuple[],
  ctx: AddressContext,
  opts: TightenOptions = DEFAULT_TIGHTEN,
): Tightening {
  const out: Tightening = { proposed: null, narrowed: [], unusedAttributes: [] };
  if (!observed.length) return out;
  const next: NsgRule = { ...rule.rule };
  const src = narrowSide(
    rule.rule.sourceAddresses,
    rule.rule.sourceAsgs,
    rule.src,
    observed.map((o) => o.srcIp),
    ctx,
    opts,
  );
  if (src) {
    next.sourceAddresses = src;
    out.narrowed.push('sources');
    out.unusedAttributes.push(
      `sources other than ${src.join(', ')} (rule allows ${describe(rule.rule.sourceAddresses, rule.rule.sourceAsgs)})`,
    );
  }
  const dst = narrowSide(
    rule.rule.destinationAddresses,
    rule.rule.destinationAsgs,
    rule.dst,
    observed.map((o) => o.dstIp),
    ctx,
    opts,
  );
  if (dst) {
    next.destinationAddresses = dst;
    out.narrowed.push('destinations');
    out.unusedAttributes.push(
      `destinations other than ${dst.join(', ')} (rule allows ${describe(rule.rule.destinationAddresses, rule.rule.destinationAsgs)})`,
    );
  }
  const ports = intersectRanges(
    aggregatePorts(new Set(observed.map((o) => o.dstPort)), opts.maxPortEntries),
    rule.dstPorts,
  );
  if (
    portCount(ports) <= opts.maxShare * portCount(rule.dstPorts) &&
    portCount(ports) < portCount(rule.dstPorts)
  ) {
    next.destinationPorts = formatPortRanges(ports);
    out.narrowed.push('ports');
    out.unusedAttributes.push(
      `destination ports ${formatPortRanges(subtractRanges(rule.dstPorts, ports)).join(', ')}`,
    );
  }
  const protocol = singleProtocol(observed);
  if (rule.rule.protocol === '*' && protocol) {
    next.protocol = protocol;
    out.narrowed.push('protocol');
    out.unusedAttributes.push(
      `protocols other than ${protocol} (ICMP may not appear in flow logs: check before narrowing)`,
    );
  }
  if (out.narrowed.length) out.proposed = next;
  return out;
}

function narrowSide(
  terms: readonly string[],
  asgs: readonly string[],
  current: AddressSet,
  ips: Uint8Array[],
  ctx: AddressContext,
  opts: TightenOptions,
): string[] | null {
  if (asgs.length || current.unresolved.length) return null;
  const tagged = terms.some((t) => /^[a-z]/i.test(t) && !['internet', 'any'].includes(t.toLowerCase()));
  if (tagged) return null; // VirtualNetwork, AzureLoadBalancer, service tags: keep the tag
  const unique = new Map(ips.map((ip) => [formatIp(ip), ip]));
  if (unique.size > opts.maxDistinctAddresses) return null;
  const prefixes = aggregatePrefixes([...unique.values()], opts);
  if (!prefixes) return null;
  const texts = prefixes.map((c) => c.text);
  const proposed = compileAddresses(texts, [], ctx);
  if (!addressSetContains(current, proposed)) return null;
  if (addressSpaceSize(proposed) > opts.maxShare * addressSpaceSize(current)) return null;
  return texts;
}

function singleProtocol(observed: readonly ObservedTuple[]): RuleProtocol | null {
  const names = new Set(observed.map((o) => protocolName(o.protocol)));
  const [only] = names;
  return names.size === 1 && only ? only : null;
}

function describe(terms: readonly string[], asgs: readonly string[]): string {
  const all = [...terms, ...asgs.map((a) => `ASG ${a.slice(a.lastIndexOf('/') + 1)}`)];
  return all.length ? all.join(', ') : '*';
}
