import { apiKey, setApiKey } from '../api.js';
import { get, navigate, update } from '../state.js';
import { h } from './dom.js';

export const NAV: [string, string][] = [
  ['/', 'Overview'],
  ['/exposure', 'Exposure'],
  ['/egress', 'Egress'],
  ['/geography', 'Geography'],
  ['/findings', 'Findings'],
  ['/rules', 'Rules'],
  ['/segmentation', 'Segmentation'],
  ['/flows', 'Flow explorer'],
  ['/ingest', 'Ingest health'],
];

const PRESETS: [string, string][] = [
  ['now-15m', '15 min'],
  ['now-1h', '1 hour'],
  ['now-6h', '6 hours'],
  ['now-24h', '24 hours'],
  ['now-7d', '7 days'],
  ['now-30d', '30 days'],
];
const REFRESH: [string, string][] = [
  ['', 'off'],
  ['30', '30 s'],
  ['60', '1 min'],
  ['300', '5 min'],
];

/** Top bar: navigation, time range (presets or custom), auto-refresh, API key. */
export function topBar(): HTMLElement {
  const path = location.pathname;
  const nav = h(
    'nav',
    {},
    NAV.map(([href, label]) =>
      h(
        'a',
        {
          href,
          class: href === path ? 'active' : '',
          onclick: (e: Event) => {
            e.preventDefault();
            navigate(href);
          },
        },
        label,
      ),
    ),
  );
  return h('header', { class: 'top' }, h('div', { class: 'brand' }, 'flowlens'), nav, timeControls());
}

function timeControls(): HTMLElement {
  const from = get('from', 'now-24h');
  const to = get('to', 'now');
  const preset = to === 'now' ? PRESETS.find(([v]) => v === from)?.[0] : undefined;
  const select = h(
    'select',
    {
      'aria-label': 'time range',
      onchange: (e: Event) => {
        const v = (e.target as HTMLSelectElement).value;
        if (v !== 'custom') update({ from: v, to: 'now' }, true);
        else custom.hidden = false;
      },
    },
    PRESETS.map(([v, label]) => h('option', { value: v, selected: v === preset }, label)),
    h('option', { value: 'custom', selected: !preset }, 'custom'),
  );
  const fromInput = h('input', {
    type: 'text',
    value: from,
    size: 22,
    'aria-label': 'from',
    title: 'ISO time or now-24h',
  });
  const toInput = h('input', { type: 'text', value: to, size: 22, 'aria-label': 'to' });
  const apply = h(
    'button',
    { onclick: () => update({ from: fromInput.value, to: toInput.value }, true) },
    'Apply',
  );
  // Custom from/to inputs only when the range is not a preset (keeps the bar on one line).
  const custom = h('span', { class: 'custom', hidden: Boolean(preset) }, fromInput, '→', toInput, apply);
  const refresh = h(
    'select',
    {
      'aria-label': 'auto-refresh',
      onchange: (e: Event) => update({ refresh: (e.target as HTMLSelectElement).value }),
    },
    REFRESH.map(([v, label]) =>
      h('option', { value: v, selected: v === get('refresh') }, `refresh: ${label}`),
    ),
  );
  const key = h(
    'button',
    {
      class: 'ghost',
      title: 'API key used for requests (stored in this browser)',
      onclick: () => {
        const v = prompt('API key (empty to clear)', apiKey() ?? '');
        if (v !== null) {
          setApiKey(v.trim() || null);
          update({});
        }
      },
    },
    apiKey() ? 'API key ✓' : 'API key',
  );
  return h('div', { class: 'time' }, select, custom, refresh, key);
}

/** A segmented control bound to a URL key. */
export function toggle(key: string, options: [string, string][], fallback: string): HTMLElement {
  const value = get(key, fallback);
  return h(
    'div',
    { class: 'toggle', role: 'group' },
    options.map(([v, label]) =>
      h('button', { class: v === value ? 'on' : '', onclick: () => update({ [key]: v }) }, label),
    ),
  );
}
