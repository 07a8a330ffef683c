import { ApiFailure, api, query } from '../api.js';
import { get, navigate, range, update } from '../state.js';
import { grid, slot } from '../ui/async.js';
import { seriesChart } from '../ui/charts.js';
import { card, h, human, message, time } from '../ui/dom.js';
import { table } from '../ui/table.js';

/** Rules: per NSG, rule hit counts over time and in total, recommendations, report download. */
export function rules(): HTMLElement {
  const r = range();
  const nsg = get('nsg');
  const list = slot(
    () => api.rules(r, nsg || undefined),
    (d) => {
      const nsgs = [...new Set(d.rules.map((x) => x.nsg))].sort();
      const picker = h(
        'select',
        {
          'aria-label': 'NSG',
          onchange: (e: Event) => update({ nsg: (e.target as HTMLSelectElement).value }),
        },
        h('option', { value: '' }, 'all NSGs'),
        [...new Set([...nsgs, nsg].filter(Boolean))].map((n) =>
          h('option', { value: n, selected: n === nsg }, n),
        ),
      );
      return h(
        'div',
        {},
        h(
          'div',
          { class: 'row' },
          picker,
          d.inventoryAvailable
            ? null
            : h('span', { class: 'muted' }, 'NSG inventory not imported: showing rules seen in traffic.'),
        ),
        table(
          d.rules,
          [
            { title: 'NSG', value: (x) => x.nsg },
            { title: 'rule', value: (x) => x.rule_name },
            { title: 'kind', value: (x) => x.rule_kind },
            { title: 'hits', value: (x) => human(x.flows), align: 'right' },
            { title: 'allowed', value: (x) => human(x.allowed), align: 'right' },
            { title: 'denied', value: (x) => human(x.denied), align: 'right' },
            { title: 'bytes', value: (x) => human(x.bytes, 'B'), align: 'right' },
            {
              title: 'last hit',
              value: (x) => (x.lastHit ? time(x.lastHit) : h('span', { class: 'warn' }, 'never (unused)')),
            },
          ],
          (x) => navigate('/flows', { filter: `nsg = "${x.nsg}" AND rule_name = "${x.rule_name}"` }),
        ),
      );
    },
  );
  const hits = slot(
    () =>
      api.series(r, {
        metric: 'flows',
        split: 'rule_name',
        filter: nsg ? `nsg = "${nsg.replace(/"/g, '\\"')}"` : '',
      }),
    (d) => seriesChart(d, ''),
  );
  const recs = slot(
    () =>
      api.recommendations(r, nsg || undefined).catch((err: unknown) => {
        if (err instanceof ApiFailure && err.status === 501) return null;
        throw err;
      }),
    (d) =>
      d === null
        ? message('Recommendations need the NSG inventory: run `flowlens rules import <file>` and reload.')
        : h('pre', { class: 'json' }, JSON.stringify(d, null, 2)),
  );
  const downloads = h(
    'div',
    { class: 'row' },
    ['md', 'html', 'csv', 'json'].map((format) =>
      h(
        'a',
        { class: 'button ghost', href: `/api/rules/report${query({ ...r, nsg, format })}`, download: '' },
        format.toUpperCase(),
      ),
    ),
  );
  return grid(
    card('Rule hits over time', hits, { wide: true }),
    card('Rules', list, { wide: true, actions: downloads }),
    card('Unused and overly permissive rules (proposed rules, what-if)', recs, { wide: true }),
  );
}
