import { api } from '../api.js';
import { get, navigate, range } from '../state.js';
import { grid, slot } from '../ui/async.js';
import { heatmap } from '../ui/charts.js';
import { toggle } from '../ui/controls.js';
import { card, h, human } from '../ui/dom.js';
import { table } from '../ui/table.js';

/** Segmentation: traffic between subnets as a matrix, allowed or denied, with drill-down. */
export function segmentation(): HTMLElement {
  const r = range();
  const view = get('view', 'allowed');
  const prefix = Number(get('prefix', '24'));
  const scope = get('scope', 'private');
  const filter = scope === 'private' ? 'remote_is_public = false' : '';
  const data = api.matrix(r, { metric: 'flows', prefix, filter, limit: 400 });
  const matrix = slot(
    () => data,
    (d) => {
      const cells = d.cells.filter((c) => (view === 'allowed' ? c.allowed : c.denied) > 0);
      const xs = [...new Set(cells.map((c) => c.dst))].sort();
      const ys = [...new Set(cells.map((c) => c.src))].sort();
      const points = cells.map(
        (c) =>
          [xs.indexOf(c.dst), ys.indexOf(c.src), view === 'allowed' ? c.allowed : c.denied] as [
            number,
            number,
            number,
          ],
      );
      if (!cells.length)
        return h('p', { class: 'msg info' }, `No ${view} traffic between subnets in this range.`);
      return heatmap(xs, ys, points, '', (x, y) =>
        navigate('/flows', {
          filter: `src_ip << ${y} AND dst_ip << ${x} AND action = ${view === 'allowed' ? 'allow' : 'deny'}`,
        }),
      );
    },
  );
  const pairs = slot(
    () => data,
    (d) =>
      table(d.cells.slice(0, 50), [
        { title: 'source subnet', value: (c) => c.src },
        { title: 'destination subnet', value: (c) => c.dst },
        { title: 'allowed flows', value: (c) => human(c.allowed), align: 'right' },
        { title: 'denied flows', value: (c) => human(c.denied), align: 'right' },
      ]),
  );
  const controls = h(
    'div',
    { class: 'row' },
    toggle(
      'view',
      [
        ['allowed', 'allowed'],
        ['denied', 'denied'],
      ],
      'allowed',
    ),
    toggle(
      'prefix',
      [
        ['16', '/16'],
        ['24', '/24'],
      ],
      '24',
    ),
    toggle(
      'scope',
      [
        ['private', 'internal only'],
        ['all', 'incl. internet'],
      ],
      'private',
    ),
  );
  return grid(
    card('Subnet → subnet', h('div', {}, controls, matrix), { wide: true }),
    card('Largest subnet pairs', pairs, { wide: true }),
  );
}
