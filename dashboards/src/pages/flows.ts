import { api, downloadLink, type FlowPage } from '../api.js';
import { get, range, update } from '../state.js';
import { slot } from '../ui/async.js';
import { card, h, human, time } from '../ui/dom.js';
import { filterBar } from '../ui/filterbar.js';
import { protoName } from '../ui/labels.js';
import { table } from '../ui/table.js';

type Flow = FlowPage['rows'][number];

export function flowTable(rows: Flow[]): HTMLElement {
  return table(rows, [
    { title: 'time', value: (f) => time(f.time) },
    { title: 'source', value: (f) => `${f.src_ip}:${f.src_port}` },
    { title: 'destination', value: (f) => `${f.dst_ip}:${f.dst_port}` },
    { title: 'proto', value: (f) => protoName(f.protocol) },
    { title: 'dir', value: (f) => f.direction },
    { title: 'action', value: (f) => h('span', { class: `act-${f.action}` }, f.action) },
    {
      title: 'bytes ↑/↓',
      value: (f) => `${human(f.bytes_sent, 'B')} / ${human(f.bytes_received, 'B')}`,
      align: 'right',
    },
    { title: 'NSG', value: (f) => f.nsg },
    { title: 'rule', value: (f) => f.rule },
    { title: 'peer', value: peerText },
  ]);
}

/**
 * Who the remote address is: country, AS, service tag, connection type (VNetPeering, VpnGateway,
 * ExpressRoute; empty without a network inventory), threat lists (enrichment, docs/enrichment.md).
 */
export function peerText(f: Flow): HTMLElement | string {
  const parts = [
    f.remote_country,
    f.remote_asn ? `AS${f.remote_asn} ${f.remote_as_name}` : '',
    f.service_tag,
    f.connection_type ? `via ${f.connection_type}` : '',
  ].filter(Boolean);
  const text = parts.join(' · ');
  if (!f.threat_lists.length) return text;
  return h(
    'span',
    {},
    text ? `${text} · ` : '',
    h('span', { class: 'act-deny' }, `listed: ${f.threat_lists.join(', ')}`),
  );
}

/** Flow explorer: filter bar with completion, keyset-paged table, CSV/NDJSON export. */
export function flows(): HTMLElement {
  const r = range();
  const filter = get('filter');
  const cursor = get('cursor');
  const page = slot(
    () => api.flows(r, { filter, cursor: cursor || undefined, limit: 100 }),
    (d) =>
      h(
        'div',
        {},
        h('p', { class: 'muted' }, `${d.rows.length} flows${cursor ? ' (continued)' : ''}, newest first`),
        flowTable(d.rows),
        h(
          'div',
          { class: 'row' },
          cursor
            ? h(
                'button',
                { class: 'ghost', onclick: () => update({ cursor: undefined }, true) },
                '⟵ First page',
              )
            : null,
          d.nextCursor
            ? h(
                'button',
                { onclick: () => update({ cursor: d.nextCursor ?? undefined }, true) },
                'Next page ⟶',
              )
            : null,
        ),
      ),
  );
  const exports = h(
    'div',
    { class: 'row' },
    ['csv', 'ndjson'].map((format) =>
      downloadLink(`Export ${format.toUpperCase()}`, '/api/flows/export', { ...r, filter, format }),
    ),
  );
  return h('div', {}, filterBar(), card('Flows', page, { wide: true, actions: exports }));
}
