import { api, type IncidentDetail } from '../api.js';
import { update } from '../state.js';
import { slot } from '../ui/async.js';
import { card, h, time } from '../ui/dom.js';
import { peerFacts } from '../ui/labels.js';
import { table } from '../ui/table.js';

/** Incident statuses are the findings' (an incident is as active as its most active part). */
function sevBadge(severity: string): HTMLElement {
  return h('span', { class: `sev sev-${severity}` }, severity);
}

/**
 * Incidents on the findings page: linked findings (scan → brute force → exposure…) as one row each,
 * filtered like the queue; a click opens the incident with its parts (`incident` in the URL).
 */
export function incidentsCard(status: string, severity: string): HTMLElement {
  return card(
    'Incidents',
    slot(
      () =>
        api.incidents({
          status: status === 'all' ? undefined : status,
          severity: severity || undefined,
          limit: 100,
        }),
      (d) =>
        table(
          d.items,
          [
            { title: 'severity', value: (i) => sevBadge(i.severity) },
            { title: 'incident', value: (i) => i.title },
            { title: 'parts', value: (i) => String(i.parts), align: 'right' },
            { title: 'status', value: (i) => i.status },
            { title: 'last seen', value: (i) => time(i.lastSeen) },
          ],
          (i) => update({ incident: i.id, id: undefined }, true),
          'No incidents match these filters.',
        ),
    ),
    { wide: true },
  );
}

/** One incident: its summary and its parts, each a link to the finding's detail. */
export function incidentCard(id: string): HTMLElement {
  return card(
    'Incident',
    slot(() => api.incident(id), incidentDetail),
    { wide: true },
  );
}

function incidentDetail(d: IncidentDetail): HTMLElement {
  const i = d.incident;
  const facts: [string, string][] = [
    ['incident', i.id],
    ['severity', i.severity],
    ['status', i.status],
    ['first seen', time(i.firstSeen)],
    ['last seen', time(i.lastSeen)],
    ['hosts', i.hosts.join(', ')],
    // One line per remote actor, each named by the enrichment (country, AS, service tag, lists).
    ['remote', d.peers.map(peerFacts).join('; ') || '—'],
  ];
  return h(
    'div',
    { class: 'detail incident' },
    h('h3', {}, i.title),
    h(
      'dl',
      {},
      facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
    ),
    h('h4', {}, `Parts (${d.parts.length})`),
    table(d.parts, [
      { title: 'severity', value: (p) => sevBadge(p.severity) },
      { title: 'category', value: (p) => p.category },
      {
        title: 'finding',
        value: (p) =>
          h(
            'a',
            {
              href: findingHref(p.id),
              class: 'part-link',
              onclick: (e: Event) => {
                e.preventDefault();
                update({ id: p.id }, true);
              },
            },
            p.title,
          ),
      },
      { title: 'status', value: (p) => p.status },
      { title: 'first seen', value: (p) => time(p.firstSeen) },
      { title: 'last seen', value: (p) => time(p.lastSeen) },
    ]),
  );
}

/** The finding's detail on this page (the incident stays open above it). */
export function findingHref(id: string): string {
  const p = new URLSearchParams(location.search);
  p.set('id', id);
  return `${location.pathname}?${p}`;
}

/** The incident a finding belongs to (analyze/incidents.ts `evidence.incident`), if any. */
export function incidentIdOf(evidence: Record<string, unknown>): string | undefined {
  const inc = evidence.incident as { id?: unknown } | undefined;
  return typeof inc?.id === 'string' ? inc.id : undefined;
}
