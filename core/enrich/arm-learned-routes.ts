import type { GatewayRoute } from '@azure/arm-network';
import { type Cidr, cidrContains, isV4Mapped, NON_PUBLIC_RANGES, parseCidr } from '../net/ip.js';

/**
 * Which routes an ExpressRoute gateway learned are on-premises prefixes (kind `er`, flow type S2S).
 * A gateway learns over eBGP (origin `EBgp`) everything the circuit carries, not only on-premises
 * networks; kept as `er`, some of those would take over flow types they do not belong to, so they are
 * left out (docs/enrichment.md "Flow types"):
 * - a default route (`0.0.0.0/0`, `::/0`: forced tunnelling) would make every public and unmapped
 *   peer S2S/ExpressRoute;
 * - a route that reaches outside private/reserved space (the ranges `remote_is_public` excludes)
 *   and is shorter than /16 (IPv6 /32): an internet summary or a split default route (`0.0.0.0/1`).
 *   A longer public prefix stays: public space the organisation owns and routes over the circuit;
 * - a route whose AS path holds only Microsoft's ASNs (12076, the MSEE; 65515 and 65517–65520, which
 *   Azure reserves for its gateways): another VNet on the same circuit, often in another subscription.
 */
export interface SkippedRoutes {
  defaultRoute: number;
  publicShort: number;
  azureOnly: number;
}

/** The shortest public prefix kept, per family: shorter ones can only be internet summaries. */
export const MIN_PUBLIC_PREFIX = { v4: 16, v6: 32 } as const;

/** ASNs that only Microsoft uses: 12076 (ExpressRoute edge), 65515/65517–65520 (reserved by Azure). */
const MICROSOFT_ASNS = new Set(['12076', '65515', '65517', '65518', '65519', '65520']);

/** The learned routes kept as on-premises prefixes (distinct), and how many were left out and why. */
export function onPremisesRoutes(routes: readonly GatewayRoute[]): {
  prefixes: string[];
  skipped: SkippedRoutes;
} {
  const prefixes = new Set<string>();
  // Per distinct prefix (several gateways learn the same routes); kept when any gateway's route is.
  const left = new Map<string, keyof SkippedRoutes>();
  for (const r of routes) {
    if (r.origin !== 'EBgp' || !r.network) continue;
    const why = prefixSkipReason(r.network) ?? (azureOnlyPath(r.asPath) ? 'azureOnly' : undefined);
    if (why) left.set(r.network, why);
    else prefixes.add(r.network);
  }
  const skipped: SkippedRoutes = { defaultRoute: 0, publicShort: 0, azureOnly: 0 };
  for (const [network, why] of left) if (!prefixes.has(network)) skipped[why]++;
  return { prefixes: [...prefixes], skipped };
}

/**
 * Why a prefix is not an on-premises prefix by its range alone (also applied to the ExpressRoute part
 * carried over from an earlier import); undefined when it may be one, or does not parse (reported later).
 */
export function prefixSkipReason(network: string): 'defaultRoute' | 'publicShort' | undefined {
  const c = parseCidr(network);
  if (!c) return undefined;
  const v4 = isV4Mapped(c.bytes);
  const len = v4 ? c.prefix - 96 : c.prefix;
  if (len === 0) return 'defaultRoute';
  if (NON_PUBLIC_RANGES.some((r) => within(c, r))) return undefined;
  return len < (v4 ? MIN_PUBLIC_PREFIX.v4 : MIN_PUBLIC_PREFIX.v6) ? 'publicShort' : undefined;
}

/** `12076`, `12076-12076` (prepended), `65515 12076`: no customer ASN, so not from on-premises. */
function azureOnlyPath(asPath: string | undefined): boolean {
  const asns = (asPath ?? '').split(/[^0-9]+/).filter(Boolean);
  return asns.length > 0 && asns.every((a) => MICROSOFT_ASNS.has(a));
}

function within(inner: Cidr, outer: Cidr): boolean {
  return inner.prefix >= outer.prefix && cidrContains(outer, inner.bytes);
}

/** `rules sync`'s line about left-out learned routes (counts only), or undefined when none was. */
export function describeSkippedRoutes(s: SkippedRoutes): string | undefined {
  const parts = [
    s.defaultRoute ? `${s.defaultRoute} default route${s.defaultRoute > 1 ? 's' : ''}` : '',
    s.publicShort
      ? `${s.publicShort} reaching public space shorter than /${MIN_PUBLIC_PREFIX.v4} (IPv6 /${MIN_PUBLIC_PREFIX.v6})`
      : '',
    s.azureOnly ? `${s.azureOnly} with only Microsoft ASNs in the AS path (Azure VNets on the circuit)` : '',
  ].filter(Boolean);
  return parts.length
    ? `ExpressRoute learned routes not imported as on-premises: ${parts.join(', ')}`
    : undefined;
}
