type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

/** Creates an element: `h('a', { href: '/', onclick: fn }, 'text', child)`. Text is never parsed as HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el: Element): void {
  while (el.firstChild) el.firstChild.remove();
}

const UNITS = ['', 'K', 'M', 'G', 'T', 'P'];

/** 1234567 → "1.2 M" (SI), bytes get a B. */
export function human(n: number, unit = ''): string {
  let i = 0;
  let v = n;
  while (Math.abs(v) >= 1000 && i < UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  const text = i === 0 ? String(Math.round(v)) : v.toFixed(v < 10 ? 1 : 0);
  return `${text}${i || unit ? ' ' : ''}${UNITS[i]}${unit}`;
}

export function metricUnit(metric: string): string {
  return metric === 'bytes' ? 'B' : '';
}

export function time(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** A card with a title and a body, the unit of every page's layout. */
export function card(title: string, body: Node, extra: { wide?: boolean; actions?: Node } = {}): HTMLElement {
  return h(
    'section',
    { class: `card${extra.wide ? ' wide' : ''}` },
    h('header', {}, h('h2', {}, title), extra.actions ?? null),
    body,
  );
}

export function message(text: string, kind: 'info' | 'error' = 'info'): HTMLElement {
  return h('p', { class: `msg ${kind}` }, text);
}
