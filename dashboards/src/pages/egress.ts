import { api } from '../api.js';
import { navigate, range } from '../state.js';
import { grid, slot } from '../ui/async.js';
import { barChart, seriesChart } from '../ui/charts.js';
import { card, h, human, time } from '../ui/dom.js';
import { table } from '../ui/table.js';
import { severityBadge } from './findings.js';

const EGRESS = 'direction = outbound AND remote_is_public = true';

/** Egress: bytes to public destinations by host, top destinations, exfiltration findings. */
export function egress(): HTMLElement {
  const r = range();
  const overTime = slot(
    () => api.series(r, { metric: 'bytes', split: 'action', filter: EGRESS }),
    (d) => seriesChart(d, 'B'),
  );
  const hosts = slot(
    () => api.top(r, { dimension: 'local_ip', metric: 'bytes', filter: EGRESS, limit: 15 }),
    (d) =>
      barChart(
        d.rows.map((x) => ({ label: String(x.key.local_ip), value: x.value, denied: x.denied })),
        'B',
        (i) => navigate('/flows', { filter: `${EGRESS} AND src_ip = ${d.rows[i]!.key.local_ip}` }),
      ),
  );
  const dests = slot(
    () => api.top(r, { dimension: 'remote_ip', metric: 'bytes', filter: EGRESS, limit: 15 }),
    (d) => {
      const open = (ip: string | number | undefined) =>
        navigate('/flows', { filter: `${EGRESS} AND dst_ip = ${ip}` });
      // The chart's axis truncates long labels, so who each destination is goes in a table under it.
      return h(
        'div',
        {},
        barChart(
          d.rows.map((x) => ({ label: String(x.key.remote_ip), value: x.value, denied: x.denied })),
          'B',
          (i) => open(d.rows[i]!.key.remote_ip),
        ),
        table(
          d.rows,
          [
            { title: 'destination', value: (x) => peerLabel(x.key) },
            { title: 'bytes', value: (x) => human(x.value, 'B'), align: 'right' },
          ],
          (x) => open(x.key.remote_ip),
        ),
      );
    },
  );
  const findings = slot(
    () => api.findings({ category: 'exfiltration', limit: 20 }),
    (d) =>
      table(
        d.items,
        [
          { title: 'severity', value: (f) => severityBadge(f.severity) },
          { title: 'finding', value: (f) => f.title },
          { title: 'status', value: (f) => f.status },
          { title: 'last seen', value: (f) => time(f.lastSeen) },
        ],
        (f) => navigate('/findings', { id: f.id }),
      ),
  );
  return grid(
    card('Bytes to internet destinations', overTime, { wide: true }),
    card('Top hosts by bytes out', hosts),
    card('Top internet destinations', dests),
    card('Exfiltration findings', findings, { wide: true }),
  );
}

/**
 * `1.2.3.4 (US · AS64500 Example AS · Storage.WestEurope · listed: firehol)` with what the enrichment
 * knows about the address (the `remote_ip` top-N key carries it; docs/enrichment.md).
 */
export function peerLabel(key: Record<string, string | number>): string {
  const asn = Number(key.remote_asn ?? 0);
  const who = [
    key.remote_country,
    asn ? `AS${asn} ${key.remote_as_name ?? ''}`.trim() : key.remote_as_name,
    key.service_tag,
    key.threat_lists ? `listed: ${key.threat_lists}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return who ? `${key.remote_ip} (${who})` : String(key.remote_ip);
}
