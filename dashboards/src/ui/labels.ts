import type { FindingDetail } from '../api.js';

/** Display names shared by several pages (kept out of the pages so pages never import each other in a cycle). */
export function protoName(p: number): string {
  return p === 6 ? 'tcp' : p === 17 ? 'udp' : p === 1 ? 'icmp' : String(p);
}

/** Who a remote address is: `ip · country · ASn name · service tag · listed: lists` (docs/enrichment.md). */
export function peerFacts(p: NonNullable<FindingDetail['peer']>): string {
  const parts = [
    p.ip,
    p.country,
    p.asn ? `AS${p.asn} ${p.asName}` : '',
    p.serviceTag,
    p.threatLists.length ? `listed: ${p.threatLists.join(', ')}` : '',
  ];
  return parts.filter(Boolean).join(' · ');
}
