import { ApiFailure, api, downloadLink, query, type Recommendation } from '../api.js';
import { get, navigate, range, update } from '../state.js';
import { grid, slot } from '../ui/async.js';
import { seriesChart } from '../ui/charts.js';
import { card, h, human, message, time } from '../ui/dom.js';
import { table } from '../ui/table.js';
import { severityBadge } from './findings.js';

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
              value: (x) =>
                x.lastHit
                  ? time(x.lastHit)
                  : x.rule_kind === 'user'
                    ? h('span', { class: 'warn' }, 'never (unused)')
                    : '—',
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
        : table(
            d,
            [
              { title: 'severity', value: (x) => severityBadge(x.severity) },
              { title: 'NSG', value: (x) => x.nsg },
              { title: 'rule', value: (x) => x.rule },
              { title: 'finding', value: (x) => x.category },
              { title: 'now', value: (x) => ruleText(x.current) },
              { title: 'proposed', value: (x) => (x.proposed ? ruleText(x.proposed) : x.action) },
              {
                title: 'what-if',
                value: (x) =>
                  x.whatIf
                    ? `${human(x.whatIf.newlyDeniedCount)} of ${human(x.whatIf.replayedFlows)} flows newly denied`
                    : '—',
              },
              { title: 'why', value: (x) => h('span', { class: 'wrap' }, x.reason) },
            ],
            (x) => {
              const pre = h('pre', { class: 'json' }, x.commands.az);
              document
                .querySelector('#rec-command')
                ?.replaceChildren(h('h4', {}, `az command for ${x.rule}`), pre);
            },
            'No recommendations for this range.',
          ),
  );
  const downloads = h(
    'div',
    { class: 'row' },
    ['md', 'html', 'csv', 'json'].map((format) =>
      downloadLink(format.toUpperCase(), '/api/rules/report', { ...r, nsg, format }),
    ),
  );
  return grid(
    card('Rule hits over time', hits, { wide: true }),
    card('Rules', list, { wide: true, actions: downloads }),
    card(
      'Unused and overly permissive rules (proposed rules, what-if)',
      h('div', {}, recs, h('div', { id: 'rec-command' })),
      { wide: true },
    ),
  );
}

function ruleText(r: Recommendation['current']): string {
  const side = (a: string[], p: string[]) => `${a.join(',')}:${p.join(',')}`;
  return `${r.priority} ${r.access} ${r.direction} ${r.protocol} ${side(r.sourceAddresses, r.sourcePorts)} → ${side(r.destinationAddresses, r.destinationPorts)}`;
}
