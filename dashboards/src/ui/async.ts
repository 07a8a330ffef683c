import { ApiFailure } from '../api.js';
import { h, message } from './dom.js';

/** A placeholder filled when `load` resolves; a failure shows the API's message in place. */
export function slot<T>(load: () => Promise<T>, show: (data: T) => Node): HTMLElement {
  const el = h('div', { class: 'slot loading' }, 'Loading…');
  load().then(
    (data) => {
      el.className = 'slot';
      el.replaceChildren(show(data));
    },
    (err: unknown) => {
      el.className = 'slot';
      const text =
        err instanceof ApiFailure
          ? err.status === 401
            ? 'This API needs a key: click “API key” at the top right.'
            : `${err.message} (${err.code})`
          : String(err);
      el.replaceChildren(message(text, 'error'));
    },
  );
  return el;
}

export function grid(...cards: HTMLElement[]): HTMLElement {
  return h('div', { class: 'grid' }, cards);
}
