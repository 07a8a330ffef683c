import { api, type TopResponse } from '../api.js';
import { get, navigate, range, update } from '../state.js';
import { grid, slot } from '../ui/async.js';
import { card, h, human, metricUnit } from '../ui/dom.js';
import { table } from '../ui/table.js';
import { countryName, worldMap } from '../ui/worldmap.js';

type Choice = [value: string, label: string];
const CHOICES: Record<'action' | 'direction' | 'metric', Choice[]> = {
  action: [
    ['', 'allowed and denied'],
    ['allow', 'allowed'],
    ['deny', 'denied'],
  ],
  direction: [
    ['', 'inbound and outbound'],
    ['inbound', 'inbound'],
    ['outbound', 'outbound'],
  ],
  metric: [
    ['bytes', 'bytes'],
    ['flows', 'flows'],
  ],
};

/** Internet peers only: private and platform addresses have no country. */
export function geoFilter(action: string, direction: string): string {
  return ['remote_is_public = true', action && `action = ${action}`, direction && `direction = ${direction}`]
    .filter(Boolean)
    .join(' AND ');
}

function picker(key: keyof typeof CHOICES, value: string): HTMLElement {
  return h(
    'select',
    {
      'aria-label': key,
      name: key,
      onchange: (e: Event) => update({ [key]: (e.target as HTMLSelectElement).value }),
    },
    CHOICES[key].map(([v, label]) => h('option', { value: v, selected: v === value }, label)),
  );
}

const countryRows = (d: TopResponse) =>
  d.rows.map((x) => ({
    code: String(x.key.remote_country ?? ''),
    value: x.value,
    denied: x.denied,
    flows: x.flows,
  }));

/** Geography: where internet peers are, on a world map and by country / AS; clicks open the flows. */
export function geography(): HTMLElement {
  const r = range();
  const metric = get('metric', 'bytes');
  const unit = metricUnit(metric);
  const filter = geoFilter(get('action'), get('direction'));
  const drill = (extra: string) => navigate('/flows', { filter: `${filter} AND ${extra}` });
  const byCountry = api.top(r, { dimension: 'remote_country', metric, filter, limit: 300 });
  const map = slot(
    () => byCountry,
    (d) => worldMap(countryRows(d), unit, (code) => drill(`remote_country = ${code}`)),
  );
  const countries = slot(
    () => byCountry,
    (d) =>
      table(
        countryRows(d).slice(0, 25),
        [
          { title: 'country', value: (x) => (x.code ? `${countryName(x.code)} (${x.code})` : 'unknown') },
          { title: metric, value: (x) => human(x.value, unit), align: 'right' },
          { title: 'denied', value: (x) => human(x.denied, unit), align: 'right' },
          { title: 'flows', value: (x) => human(x.flows), align: 'right' },
        ],
        (x) => drill(x.code ? `remote_country = ${x.code}` : 'remote_country = ""'),
      ),
  );
  const networks = slot(
    () => api.top(r, { dimension: 'remote_asn', metric, filter, limit: 25 }),
    (d) =>
      table(
        d.rows,
        [
          { title: 'AS', value: (x) => (x.key.remote_asn ? `AS${x.key.remote_asn}` : 'unknown') },
          { title: 'name', value: (x) => String(x.key.remote_as_name ?? '') },
          { title: metric, value: (x) => human(x.value, unit), align: 'right' },
          { title: 'denied', value: (x) => human(x.denied, unit), align: 'right' },
        ],
        (x) => drill(`remote_asn = ${Number(x.key.remote_asn ?? 0)}`),
      ),
  );
  const controls = h(
    'div',
    { class: 'row' },
    picker('action', get('action')),
    picker('direction', get('direction')),
    picker('metric', metric),
  );
  return grid(
    card('Internet peers by country', map, { wide: true, actions: controls }),
    card('Top countries', countries),
    card('Top networks (AS)', networks),
  );
}
