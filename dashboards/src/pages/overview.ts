import { api } from '../api.js';
import { flowsLink, get, navigate, range } from '../state.js';
import { grid, slot } from '../ui/async.js';
import { barChart, seriesChart } from '../ui/charts.js';
import { toggle } from '../ui/controls.js';
import { card, h, human, metricUnit, time } from '../ui/dom.js';
import { filterBar } from '../ui/filterbar.js';
import { protoName } from '../ui/labels.js';
import { table } from '../ui/table.js';
import { severityBadge } from './findings.js';

const METRICS: [string, string][] = [
  ['bytes', 'bytes'],
  ['flows', 'flows'],
  ['packets', 'packets'],
];

function and(a: string, b: string): string {
  return a ? `(${a}) AND ${b}` : b;
}

/** Overview: traffic over time (allowed/denied × in/out), top talkers and ports, flow types, new findings. */
export function overview(): HTMLElement {
  const r = range();
  const filter = get('filter');
  const metric = get('metric', 'bytes');
  const unit = metricUnit(metric);
  const traffic = slot(
    () => api.series(r, { metric, split: 'action_direction', filter }),
    (d) =>
      seriesChart(d, unit, (key) => {
        location.href = flowsLink(and(filter, `action = ${key.action} AND direction = ${key.direction}`));
      }),
  );
  const talkers = slot(
    () => api.top(r, { dimension: 'local_ip', metric, filter, limit: 10 }),
    (d) =>
      barChart(
        d.rows.map((x) => ({ label: String(x.key.local_ip), value: x.value, denied: x.denied })),
        unit,
        (i) => navigate('/flows', { filter: and(filter, `local_ip = ${d.rows[i]!.key.local_ip}`) }),
      ),
  );
  const ports = slot(
    () => api.top(r, { dimension: 'dst_port', metric, filter, limit: 10 }),
    (d) =>
      barChart(
        d.rows.map((x) => ({
          label: `${x.key.dst_port}/${protoName(Number(x.key.protocol))}`,
          value: x.value,
          denied: x.denied,
        })),
        unit,
        (i) => navigate('/flows', { filter: and(filter, `dst_port = ${d.rows[i]!.key.dst_port}`) }),
      ),
  );
  // Reads raw flows (flow type is looked up per flow at query time; docs/enrichment.md).
  const flowTypes = slot(
    () => api.top(r, { dimension: 'flow_type', metric, filter, limit: 9 }),
    (d) =>
      barChart(
        d.rows.map((x) => ({ label: String(x.key.flow_type), value: x.value, denied: x.denied })),
        unit,
        (i) => navigate('/flows', { filter: and(filter, `flow_type = ${d.rows[i]!.key.flow_type}`) }),
      ),
  );
  const findings = slot(
    () => api.findings({ status: 'open', limit: 10 }),
    (d) =>
      table(
        d.items,
        [
          { title: 'severity', value: (f) => severityBadge(f.severity) },
          { title: 'finding', value: (f) => f.title },
          { title: 'last seen', value: (f) => time(f.lastSeen) },
        ],
        (f) => navigate('/findings', { id: f.id }),
      ),
  );
  return h(
    'div',
    {},
    filterBar(),
    grid(
      card('Traffic over time', traffic, { wide: true, actions: toggle('metric', METRICS, 'bytes') }),
      card('Top talkers (Azure side)', talkers),
      card('Top destination ports', ports),
      card('Flow types', flowTypes),
      card('New findings', findings, { wide: true }),
    ),
  );
}

export function bytes(n: number): string {
  return human(n, 'B');
}
