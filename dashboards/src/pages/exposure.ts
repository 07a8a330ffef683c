import { api, type TopResponse } from '../api.js';
import { flowsLink, navigate, range } from '../state.js';
import { grid, slot } from '../ui/async.js';
import { seriesChart } from '../ui/charts.js';
import { card, human } from '../ui/dom.js';
import { protoName } from '../ui/labels.js';
import { table } from '../ui/table.js';
import { peerLabel } from './egress.js';
import { severityBadge } from './findings.js';

/** Ports used to administer machines; reachable from the internet they are an exposure. */
export const MANAGEMENT_PORTS = [22, 23, 3389, 5985, 5986, 445, 135, 1433, 3306, 5432, 6379, 9200, 27017];

const BASE = `direction = inbound AND remote_is_public = true AND dst_port IN (${MANAGEMENT_PORTS.join(', ')})`;

interface Exposed {
  host: string;
  port: number;
  protocol: number;
  flows: number;
  sources: string[];
}

function byHost(d: TopResponse): Exposed[] {
  const out = new Map<string, Exposed>();
  for (const row of d.rows) {
    const k = `${row.key.dst_ip}|${row.key.dst_port}|${row.key.protocol}`;
    const e = out.get(k) ?? {
      host: String(row.key.dst_ip),
      port: Number(row.key.dst_port),
      protocol: Number(row.key.protocol),
      flows: 0,
      sources: [],
    };
    e.flows += row.flows;
    e.sources.push(String(row.key.src_ip));
    out.set(k, e);
  }
  return [...out.values()].sort((a, b) => b.sources.length - a.sources.length || b.flows - a.flows);
}

/** Exposure: management ports reachable (allowed) from the internet, by host, with sources. */
export function exposure(): HTMLElement {
  const r = range();
  const allowed = `${BASE} AND action = allow`;
  const exposed = slot(
    () =>
      Promise.all([
        api.top(r, { dimension: 'conversation', metric: 'flows', filter: allowed, limit: 1000 }),
        // Inbound, so the source is the remote peer: its country and AS come with the remote_ip dimension.
        api.top(r, { dimension: 'remote_ip', metric: 'flows', filter: allowed, limit: 1000 }),
      ]),
    ([d, peers]) => {
      const who = new Map(peers.rows.map((p) => [String(p.key.remote_ip), peerLabel(p.key)]));
      return table(
        byHost(d),
        [
          { title: 'host', value: (e) => e.host },
          { title: 'port', value: (e) => `${e.port}/${protoName(e.protocol)}` },
          { title: 'allowed flows', value: (e) => human(e.flows), align: 'right' },
          { title: 'internet sources', value: (e) => e.sources.length, align: 'right' },
          {
            title: 'sources (first 5)',
            value: (e) =>
              e.sources
                .slice(0, 5)
                .map((ip) => who.get(ip) ?? ip)
                .join(', '),
          },
        ],
        (e) => {
          location.href = flowsLink(`${allowed} AND dst_ip = ${e.host} AND dst_port = ${e.port}`);
        },
      );
    },
  );
  const attempts = slot(
    () => api.series(r, { metric: 'flows', split: 'action', filter: BASE }),
    (d) => seriesChart(d, ''),
  );
  const findings = slot(
    () => api.findings({ category: 'exposed-management-port', limit: 20 }),
    (d) =>
      table(
        d.items,
        [
          { title: 'severity', value: (f) => severityBadge(f.severity) },
          { title: 'finding', value: (f) => f.title },
          { title: 'status', value: (f) => f.status },
        ],
        (f) => navigate('/findings', { id: f.id, status: 'all' }),
      ),
  );
  return grid(
    card('Management ports reachable from the internet (allowed)', exposed, { wide: true }),
    card('Internet attempts on management ports: allowed vs denied', attempts, { wide: true }),
    card('Exposure findings', findings, { wide: true }),
  );
}
