import { ApiFailure, api, type FindingDetail } from '../api.js';
import { flowsLink, get, update } from '../state.js';
import { grid, slot } from '../ui/async.js';
import { toggle } from '../ui/controls.js';
import { card, h, human, message, time } from '../ui/dom.js';
import { peerFacts } from '../ui/labels.js';
import { table } from '../ui/table.js';
import { flowTable } from './flows.js';
import { incidentCard, incidentIdOf, incidentsCard } from './incidents.js';

const STATUSES: [string, string][] = [
  ['open', 'open'],
  ['acknowledged', 'acknowledged'],
  ['resolved', 'resolved'],
  ['suppressed', 'suppressed'],
  ['all', 'all'],
];

export function severityBadge(severity: string): HTMLElement {
  return h('span', { class: `sev sev-${severity}` }, severity);
}

/** Findings: the triage queue (filters in the URL) and, when `id` is set, the detail with actions. */
export function findings(): HTMLElement {
  const status = get('status', 'open');
  const severity = get('severity');
  const q = get('q');
  const sortBy = get('sort', 'severity');
  const order = get('order', 'desc') === 'asc' ? 'asc' : 'desc';
  const search = h('input', {
    type: 'search',
    placeholder: 'search title, host…',
    value: q,
    'aria-label': 'search findings',
  });
  search.addEventListener('change', () => update({ q: search.value }));
  const sev = h(
    'select',
    {
      'aria-label': 'severity',
      onchange: (e: Event) => update({ severity: (e.target as HTMLSelectElement).value }),
    },
    ['', 'critical', 'high', 'medium', 'low', 'info'].map((s) =>
      h('option', { value: s, selected: s === severity }, s || 'any severity'),
    ),
  );
  const queue = slot(
    () =>
      api.findings({
        status: status === 'all' ? undefined : status,
        severity: severity || undefined,
        q: q || undefined,
        sort: sortBy,
        order,
        limit: 200,
      }),
    (d) =>
      table(
        d.items,
        [
          { title: 'severity', value: (f) => severityBadge(f.severity), sortKey: 'severity' },
          { title: 'category', value: (f) => f.category, sortKey: 'category' },
          { title: 'finding', value: (f) => f.title, sortKey: 'title' },
          { title: 'incident', value: (f) => incidentIdOf(f.evidence) ?? '' },
          { title: 'status', value: (f) => f.status, sortKey: 'status' },
          { title: 'detections', value: (f) => f.detections, align: 'right', sortKey: 'detections' },
          { title: 'last seen', value: (f) => time(f.lastSeen), sortKey: 'lastSeen' },
        ],
        (f) => update({ id: f.id }, true),
        'No findings match these filters.',
        { by: sortBy, order, onSort: (key, next) => update({ sort: key, order: next }) },
      ),
  );
  const id = get('id');
  const incident = get('incident');
  return grid(
    incidentsCard(status, severity),
    ...(incident ? [incidentCard(incident)] : []),
    card(
      'Triage queue',
      h('div', {}, h('div', { class: 'row' }, toggle('status', STATUSES, 'open'), sev, search), queue),
      {
        wide: true,
      },
    ),
    ...(id
      ? [
          card(
            'Finding',
            slot(() => api.finding(id), detail),
            { wide: true },
          ),
        ]
      : []),
  );
}

function detail(d: FindingDetail): HTMLElement {
  const f = d.finding;
  const comment = h('input', {
    type: 'text',
    placeholder: 'comment (required to suppress)',
    class: 'comment',
    'aria-label': 'comment',
  });
  const feedback = h('div', {});
  const act = (status: string) => async () => {
    try {
      await api.setStatus(f.id, status, comment.value);
      update({});
    } catch (err) {
      feedback.replaceChildren(message(err instanceof ApiFailure ? err.message : String(err), 'error'));
    }
  };
  const facts: [string, string][] = [
    ['severity', f.severity],
    ['category', f.category],
    [
      'status',
      `${f.status} — by ${f.statusBy} at ${time(f.statusAt)}${f.statusReason ? ` (${f.statusReason})` : ''}`,
    ],
    ['first seen', time(f.firstSeen)],
    ['last seen', time(f.lastSeen)],
    ['subject', JSON.stringify(f.subject)],
    ['evidence', `${human(f.evidence.flows ?? 0)} flows, ${human(f.evidence.bytes ?? 0, 'B')}`],
  ];
  if (d.peer) facts.push(['remote address', peerFacts(d.peer)]);
  const incident = incidentIdOf(f.evidence);
  return h(
    'div',
    { class: 'detail' },
    h('h3', {}, f.title),
    h('p', {}, f.reason),
    h(
      'dl',
      {},
      facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
      incident
        ? [
            h('dt', {}, 'incident'),
            h(
              'dd',
              {},
              h(
                'button',
                { class: 'ghost incident-link', onclick: () => update({ incident }, true) },
                incident,
              ),
            ),
          ]
        : [],
    ),
    h(
      'div',
      { class: 'row actions' },
      comment,
      h('button', { onclick: act('acknowledged') }, 'Acknowledge'),
      h('button', { onclick: act('resolved') }, 'Resolve'),
      h('button', { onclick: act('suppressed') }, 'Suppress'),
      h('button', { class: 'ghost', onclick: act('open') }, 'Reopen'),
      h('a', { href: flowsLink(d.evidence.filter), class: 'button ghost' }, 'Open flows in explorer'),
    ),
    feedback,
    h('h4', {}, `Evidence flows (${d.evidence.flows.length})`),
    flowTable(d.evidence.flows),
    h('h4', {}, 'History'),
    table(d.history, [
      { title: 'when', value: (e) => time(e.at) },
      { title: 'event', value: (e) => e.kind },
      { title: 'status', value: (e) => e.status },
      { title: 'who', value: (e) => e.actor },
      { title: 'why', value: (e) => e.reason },
    ]),
  );
}
