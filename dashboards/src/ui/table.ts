import { h } from './dom.js';

export interface Column<T> {
  title: string;
  value: (row: T) => string | number | Node;
  align?: 'right';
}

/** A plain table; `onRow` makes rows clickable (drill-down). */
export function table<T>(
  rows: T[],
  columns: Column<T>[],
  onRow?: (row: T) => void,
  empty = 'No data in this range.',
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
          columns.map((c) => h('th', { class: c.align ?? '' }, c.title)),
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
