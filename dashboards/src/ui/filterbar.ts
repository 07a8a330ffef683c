import { ApiFailure, api, type Completion } from '../api.js';
import { get, update } from '../state.js';
import { h } from './dom.js';

/**
 * The filter bar: a text input with completion (fields, operators, keywords, top values from
 * /api/filter/complete) and server-side validation that points at the problem.
 */
export function filterBar(
  placeholder = 'e.g. action = deny AND dst_port IN (22, 3389) AND src_ip !<< 10.0.0.0/8',
): HTMLElement {
  const input = h('input', {
    type: 'text',
    class: 'filter',
    value: get('filter'),
    placeholder,
    spellcheck: 'false',
    autocomplete: 'off',
    'aria-label': 'filter',
  });
  const list = h('ul', { class: 'suggest', hidden: true });
  const status = h('div', { class: 'filter-status' });
  let fields: Completion['fields'] = [];
  let seq = 0;

  const apply = async () => {
    const text = input.value.trim();
    const v = await api.validate(text);
    if (!v.valid) {
      status.textContent = `✗ ${v.message ?? 'invalid filter'}`;
      status.className = 'filter-status error';
      return;
    }
    status.textContent = '';
    update({ filter: text || undefined }, true);
  };

  const suggest = async () => {
    const mine = ++seq;
    const caret = input.selectionStart ?? input.value.length;
    const before = input.value.slice(0, caret);
    const word = /[\w.:/-]*$/.exec(before)?.[0] ?? '';
    const tokens = before
      .slice(0, before.length - word.length)
      .trim()
      .split(/\s+/);
    const prevWord = tokens.at(-1) ?? '';
    const prevField = tokens.at(-2) ?? '';
    if (!fields.length) fields = (await api.complete()).fields;
    let items: string[];
    const field = fields.find((f) => f.name === prevField);
    if (field && /^(=|!=|<<|!<<|IN|\()$/i.test(prevWord)) {
      const r = await api.complete(field.name, word).catch(() => null);
      items = (r?.values ?? []).map((v) => (/^[\w.:/-]+$/.test(v.value) ? v.value : JSON.stringify(v.value)));
    } else if (fields.some((f) => f.name === prevWord)) {
      items = fields.find((f) => f.name === prevWord)!.operators;
    } else {
      items = [...fields.map((f) => f.name), 'AND', 'OR', 'NOT'].filter((x) =>
        x.toLowerCase().startsWith(word.toLowerCase()),
      );
    }
    if (mine !== seq) return;
    render(items.slice(0, 12), word);
  };

  const render = (items: string[], word: string) => {
    list.replaceChildren(
      ...items.map((item) =>
        h(
          'li',
          {
            onmousedown: (e: Event) => {
              e.preventDefault();
              const caret = input.selectionStart ?? input.value.length;
              const start = caret - word.length;
              input.value = `${input.value.slice(0, start)}${item} ${input.value.slice(caret)}`;
              input.focus();
              const pos = start + item.length + 1;
              input.setSelectionRange(pos, pos);
              void suggest();
            },
          },
          item,
        ),
      ),
    );
    list.hidden = items.length === 0;
  };

  input.addEventListener('input', () => void suggest());
  input.addEventListener('focus', () => void suggest());
  input.addEventListener('blur', () => {
    list.hidden = true;
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      list.hidden = true;
      void apply().catch((err: unknown) => {
        status.textContent = err instanceof ApiFailure ? err.message : String(err);
      });
    }
    if (e.key === 'Escape') list.hidden = true;
  });
  return h(
    'div',
    { class: 'filterbar' },
    h('div', { class: 'filter-wrap' }, input, list),
    h('button', { onclick: () => void apply() }, 'Apply'),
    h('button', { class: 'ghost', onclick: () => update({ filter: undefined }, true) }, 'Clear'),
    status,
  );
}
