import { type Cidr, cidrContains, isPublicIp, NON_PUBLIC_RANGES, parseCidr } from '../../../core/net/ip.js';
import { type AddressContext, AZURE_LOAD_BALANCER, parseCidrs } from './context.js';

/**
 * A compiled address side of a rule: `*`, concrete prefixes, the `Internet` tag (public address
 * space outside `VirtualNetwork`), and tags or ASGs the context could not resolve.
 * @see https://learn.microsoft.com/azure/virtual-network/service-tags-overview#available-service-tags
 */
export interface AddressSet {
  any: boolean;
  internet: boolean;
  cidrs: Cidr[];
  /** Names that could not be resolved (unknown service tags, ASGs without membership). */
  unresolved: string[];
  /** The `VirtualNetwork` prefixes, kept to evaluate `internet`. */
  vnet: readonly Cidr[];
}

const ANY_WORDS = new Set(['*', 'any', '0.0.0.0/0', '::/0']);

export function compileAddresses(
  terms: readonly string[],
  asgs: readonly string[],
  ctx: AddressContext,
): AddressSet {
  const set: AddressSet = {
    any: false,
    internet: false,
    cidrs: [],
    unresolved: [],
    vnet: ctx.virtualNetwork,
  };
  if (terms.length === 0 && asgs.length === 0) set.any = true;
  for (const raw of terms) addTerm(set, raw.trim(), ctx);
  for (const asg of asgs) {
    const members = ctx.asgMembers.get(asg.toLowerCase()) ?? ctx.asgMembers.get(lastSegment(asg));
    if (members) set.cidrs.push(...members);
    else set.unresolved.push(`asg:${lastSegment(asg)}`);
  }
  return set;
}

function addTerm(set: AddressSet, term: string, ctx: AddressContext): void {
  const lower = term.toLowerCase();
  if (ANY_WORDS.has(lower)) set.any = true;
  else if (lower === 'internet') set.internet = true;
  else if (lower === 'virtualnetwork') set.cidrs.push(...ctx.virtualNetwork);
  else if (lower === 'azureloadbalancer') set.cidrs.push(...parseCidrs(AZURE_LOAD_BALANCER));
  else {
    const cidr = parseCidr(term);
    if (cidr) set.cidrs.push(cidr);
    else {
      const tag = ctx.serviceTags.get(lower);
      if (tag) set.cidrs.push(...tag);
      else set.unresolved.push(term);
    }
  }
}

function lastSegment(id: string): string {
  return id.slice(id.lastIndexOf('/') + 1).toLowerCase();
}

export function inVirtualNetwork(vnet: readonly Cidr[], ip: Uint8Array): boolean {
  return vnet.some((c) => cidrContains(c, ip));
}

/** Does the address set contain this 16-byte address? Unresolved names never match. */
export function addressMatches(set: AddressSet, ip: Uint8Array): boolean {
  if (set.any) return true;
  if (set.internet && isPublicIp(ip) && !inVirtualNetwork(set.vnet, ip)) return true;
  return set.cidrs.some((c) => cidrContains(c, ip));
}

/** `outer` ⊇ `inner` as prefixes. */
export function cidrCovers(outer: Cidr, inner: Cidr): boolean {
  return outer.prefix <= inner.prefix && cidrContains(outer, inner.bytes);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrCovers(a, b) || cidrCovers(b, a);
}

/** A prefix wholly inside `Internet`: public and disjoint from the VNet space. */
export function cidrIsInternet(c: Cidr, vnet: readonly Cidr[]): boolean {
  return !NON_PUBLIC_RANGES.some((r) => cidrsOverlap(r, c)) && !vnet.some((r) => cidrsOverlap(r, c));
}

/**
 * True when every address `inner` can match is matched by `outer`. Conservative: an unresolved name
 * in `inner` is covered only by `*` or the same name in `outer`.
 */
export function addressSetContains(outer: AddressSet, inner: AddressSet): boolean {
  if (outer.any) return true;
  if (inner.any) return false;
  if (inner.internet && !outer.internet) return false;
  const names = new Set(outer.unresolved.map((n) => n.toLowerCase()));
  if (!inner.unresolved.every((n) => names.has(n.toLowerCase()))) return false;
  return inner.cidrs.every(
    (c) => outer.cidrs.some((o) => cidrCovers(o, c)) || (outer.internet && cidrIsInternet(c, outer.vnet)),
  );
}

/** Addresses in a set on the IPv4 scale (2^32 for `*`), to compare how much two sets allow. */
export function addressSpaceSize(set: AddressSet): number {
  if (set.any) return 2 ** 32;
  let n = set.internet ? 2 ** 32 - 2 ** 29 : 0; // rough: everything but private/reserved space
  for (const c of set.cidrs) n += c.prefix >= 96 ? 2 ** (128 - c.prefix) : 2 ** 32;
  return n;
}
