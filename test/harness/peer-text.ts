import type { Enrichment } from '../../core/enrich/lookup.js';

type Peer = Pick<Enrichment, 'country' | 'asn' | 'asName' | 'serviceTag' | 'threatLists'>;

/** Who a remote address is, as the dashboards write it: `country · ASn name · tag · listed: lists`. */
export function peerText(p: Peer): string {
  return [
    p.country,
    p.asn ? `AS${p.asn} ${p.asName}` : '',
    p.serviceTag,
    p.threatLists.length ? `listed: ${p.threatLists.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** The enrichment columns of an API row (`/api/flows` rows, `remote_ip` top-N keys) as a {@link Peer}. */
export function rowPeer(r: Record<string, unknown>): Peer {
  const lists = r.threat_lists;
  return {
    country: String(r.remote_country ?? ''),
    asn: Number(r.remote_asn ?? 0),
    asName: String(r.remote_as_name ?? ''),
    serviceTag: String(r.service_tag ?? ''),
    // Arrays in flow rows, `a, b` text in top-N keys.
    threatLists: Array.isArray(lists)
      ? lists.map(String)
      : String(lists ?? '')
          .split(', ')
          .filter(Boolean),
  };
}
