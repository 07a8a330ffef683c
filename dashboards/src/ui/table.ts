import { h } from './dom.js';

export interface Column<T> {
  title: string;
  value: (row: T) => string | number | Node;
  align?: 'right';
  /** Makes the header a sort button for this key (server-side sorting, see `TableSort`). */
  sortKey?: string;
}

/** The current sort of a table and what a header click does (the page keeps the state, e.g. in the URL). */
export interface TableSort {
  by: string;
  order: 'asc' | 'desc';
  onSort: (key: string, order: 'asc' | 'desc') => void;
}

/** A plain table; `onRow` makes rows clickable (drill-down). */
export function table<T>(
  rows: T[],
  columns: Column<T>[],
  onRow?: (row: T) => void,
  empty = 'No data in this range.',
  sort?: TableSort,
): HTMLElement {
  if (!rows.length) return h('p', { class: 'msg info' }, empty);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          columns.map((c) => header(c, sort)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            onRow ? { class: 'clickable', onclick: () => onRow(r) } : {},
            columns.map((c) => {
              const v = c.value(r);
              return h('td', { class: c.align ?? '' }, v instanceof Node ? v : String(v));
            }),
          ),
        ),
      ),
    ),
  );
}

/** A header cell; sortable ones hold a button (keyboard reachable) and say their state in aria-sort. */
function header<T>(c: Column<T>, sort: TableSort | undefined): HTMLElement {
  if (!sort || !c.sortKey) return h('th', { class: c.align ?? '' }, c.title);
  const key = c.sortKey;
  const active = sort.by === key;
  // A new column starts descending (most severe / most recent / largest first); a second click flips.
  const next = active && sort.order === 'desc' ? 'asc' : 'desc';
  return h(
    'th',
    {
      class: c.align ?? '',
      'aria-sort': active ? (sort.order === 'asc' ? 'ascending' : 'descending') : 'none',
    },
    h(
      'button',
      { class: 'sort', type: 'button', onclick: () => sort.onSort(key, next) },
      `${c.title}${active ? (sort.order === 'asc' ? ' ▲' : ' ▼') : ''}`,
    ),
  );
}
