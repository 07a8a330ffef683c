import { formatIp } from '../../../core/net/ip.js';
import {
  type AddressSet,
  addressSetContains,
  addressSpaceSize,
  compileAddresses,
} from '../model/addresses.js';
import type { CompiledRule } from '../model/compile.js';
import { type AddressContext, DEFAULT_VIRTUAL_NETWORK } from '../model/context.js';
import { formatPortRanges, portCount, subtractRanges } from '../model/ports.js';
import { protocolName } from '../model/protocol.js';
import type { NsgRule, RuleProtocol } from '../model/types.js';
import { aggregatePorts, intersectRanges } from './aggregate-ports.js';
import { aggregatePrefixes } from './aggregate-prefixes.js';
import { describeConfidence, type NarrowingConfidence } from './confidence.js';

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
  /** A remote side allowing more addresses than this (a /24) is broad enough to flag on its own. */
  broadAddresses: number;
  /**
   * Enclosing scopes an internal source may be narrowed to: subnet prefixes from the VNet inventory
   * and the AKS pod CIDR. A rule whose remote side is internal (`VirtualNetwork`, a subnet, private
   * ranges) is never narrowed to the single host or pod addresses seen — the next VM that joins the
   * domain or the next pod with a new IP would break — only to these scopes, or not at all.
   */
  internalScopes: readonly string[];
}

export const DEFAULT_TIGHTEN: TightenOptions = {
  maxShare: 0.5,
  maxPrefixes: 8,
  maxPortEntries: 8,
  minPrefixV4: 16,
  minPrefixV6: 48,
  maxDistinctAddresses: 4096,
  broadAddresses: 256,
  internalScopes: [],
};

export type NarrowedSide = 'sources' | 'destinations' | 'ports' | 'protocol';

export interface Tightening {
  /** The rule with narrowed fields, or null when nothing can be narrowed usefully. */
  proposed: NsgRule | null;
  narrowed: NarrowedSide[];
  /** What the rule allows that the window's traffic never used, in words. */
  unusedAttributes: string[];
  /** What applying the proposal could break, and how sure the proposal is (distinct peers seen). */
  breaks: string;
}

/**
 * Proposes the narrowest rule that still allows every observed tuple. A rule is flagged when its
 * remote side (sources of an inbound rule, destinations of an outbound one) is broad — `*`,
 * `Internet`, `VirtualNetwork`, more than a /24 — and the observed peers fit in far less, or when
 * the observed ports are a small share of the allowed ones. The proposal then narrows the remote
 * side to covering prefixes, the ports to a list or ranges, and `*` to the single protocol seen.
 * The local side is left alone: the NSG's attachment already scopes it, and new VMs in the subnet
 * should keep working. Each proposed side stays inside what the rule allowed (never widens);
 * service tags other than `VirtualNetwork` and ASGs are kept, as they follow Azure-side changes.
 * With a `confidence` (confidence.ts) whose churn says peers kept arriving late, the remote side is
 * left as it is (a wider proposal), and the confidence's days and churn are in `breaks`.
 */
export function tighten(
  rule: CompiledRule,
  observed: readonly ObservedTuple[],
  ctx: AddressContext,
  opts: TightenOptions = DEFAULT_TIGHTEN,
  confidence?: NarrowingConfidence,
): Tightening {
  const out: Tightening = { proposed: null, narrowed: [], unusedAttributes: [], breaks: '' };
  if (!observed.length) return out;
  const r = rule.rule;
  const inbound = r.direction === 'inbound';
  const [terms, asgs, set] = inbound
    ? [r.sourceAddresses, r.sourceAsgs, rule.src]
    : [r.destinationAddresses, r.destinationAsgs, rule.dst];
  const peers = observed.map((o) => (inbound ? o.srcIp : o.dstIp));
  const internal = isInternal(set, ctx);
  const remote = confidence?.keepRemote
    ? null
    : internal
      ? narrowToScopes(set, peers, ctx, opts)
      : narrowSide(terms, asgs, set, peers, ctx, opts);
  const ports = intersectRanges(
    aggregatePorts(new Set(observed.map((o) => o.dstPort)), opts.maxPortEntries),
    rule.dstPorts,
  );
  const portsNarrow =
    portCount(ports) <= opts.maxShare * portCount(rule.dstPorts) &&
    portCount(ports) < portCount(rule.dstPorts);
  if (!portsNarrow && !(remote && isBroad(set, opts))) return out;
  const next: NsgRule = { ...r };
  if (remote) {
    const side = inbound ? 'sources' : 'destinations';
    if (inbound) next.sourceAddresses = remote;
    else next.destinationAddresses = remote;
    out.narrowed.push(side);
    out.unusedAttributes.push(
      `${side} other than ${remote.join(', ')} (rule allows ${describe(terms, asgs)})`,
    );
  }
  if (portsNarrow) {
    next.destinationPorts = formatPortRanges(ports);
    out.narrowed.push('ports');
    out.unusedAttributes.push(
      `destination ports ${formatPortRanges(subtractRanges(rule.dstPorts, ports)).join(', ')}`,
    );
  }
  const protocol = singleProtocol(observed);
  if (r.protocol === '*' && protocol) {
    next.protocol = protocol;
    out.narrowed.push('protocol');
    out.unusedAttributes.push(
      `protocols other than ${protocol} (ICMP may not appear in flow logs: check before narrowing)`,
    );
  }
  out.proposed = next;
  out.breaks = breaks(internal, remote, peers, out.narrowed, confidence);
  return out;
}

/**
 * Internal scope: no `*`/Internet, and everything it allows lies in the `VirtualNetwork` space or
 * private ranges (peered VNets and on-premises networks are internal too).
 */
function isInternal(set: AddressSet, ctx: AddressContext): boolean {
  if (set.any || set.internet) return false;
  const texts = [...ctx.virtualNetwork.map((c) => c.text), ...DEFAULT_VIRTUAL_NETWORK];
  return addressSetContains(compileAddresses(texts, [], ctx), set);
}

/** The configured scopes (subnets, pod CIDR) that hold the observed peers; null unless all are held. */
function narrowToScopes(
  current: AddressSet,
  ips: Uint8Array[],
  ctx: AddressContext,
  opts: TightenOptions,
): string[] | null {
  const scopes = opts.internalScopes.map((t) => ({ t, set: compileAddresses([t], [], ctx) }));
  const used = new Set<string>();
  for (const ip of ips) {
    const one = compileAddresses([formatIp(ip)], [], ctx);
    const scope = scopes.find((s) => addressSetContains(s.set, one));
    if (!scope) return null;
    used.add(scope.t);
  }
  const texts = [...used].sort();
  const proposed = compileAddresses(texts, [], ctx);
  if (!addressSetContains(current, proposed)) return null;
  if (addressSpaceSize(proposed) >= addressSpaceSize(current)) return null;
  return texts;
}

function breaks(
  internal: boolean,
  remote: string[] | null,
  peers: Uint8Array[],
  narrowed: NarrowedSide[],
  confidence?: NarrowingConfidence,
): string {
  const distinct = new Set(peers.map((p) => formatIp(p))).size;
  const what = narrowed.includes('ports') ? 'services on ports not seen in the window' : '';
  const who = !remote
    ? ''
    : internal
      ? `hosts outside ${remote.join(', ')} (new subnets)`
      : `peers other than the ${distinct} address(es) seen`;
  const parts = [who, what].filter(Boolean).join(' and ');
  const could = `Could break: ${parts || 'nothing seen in the window'}; `;
  if (confidence) {
    const kept = confidence.keepRemote
      ? ` New peers kept appearing late in the window (${Math.round(confidence.churn * 100)} % of peers): the remote side is left as the rule allows it.`
      : '';
    return `${could}${describeConfidence(confidence)}.${kept}`;
  }
  const sure = distinct < 3 ? 'low confidence' : distinct < 20 ? 'medium confidence' : 'higher confidence';
  return `${could}${sure} (${distinct} distinct peer(s) observed).`;
}

function isBroad(set: AddressSet, opts: TightenOptions): boolean {
  return set.any || set.internet || addressSpaceSize(set) > opts.broadAddresses;
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
  // Service tags (AzureLoadBalancer, Storage, …) track Azure's ranges: keep them. VirtualNetwork is ours.
  const tagged = terms.some(
    (t) => /^[a-z]/i.test(t) && !['internet', 'any', 'virtualnetwork'].includes(t.toLowerCase()),
  );
  if (tagged) return null;
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
