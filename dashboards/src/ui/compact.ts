import { h } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

/**
 * A small inline SVG line of `values` (one per minute), scaled to its own maximum: dozens of rows
 * each get one, so no chart library instance per row.
 */
export function sparkline(values: readonly number[], width = 120, height = 22): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map(
    (v, i) => `${(i * step).toFixed(1)},${(height - 1 - (v / max) * (height - 2)).toFixed(1)}`,
  );
  svg.setAttribute('class', 'spark');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `rows per minute, last hour, peak ${Math.max(0, ...values)}`);
  svg.dataset.values = values.join(',');
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', points.join(' '));
  svg.append(line);
  return svg;
}

/** `head…tail` of a long path: both ends stay readable (the hour and the blob name are at the end). */
function middleEllipsis(text: string, max: number): string {
  if (text.length <= max) return text;
  const tail = Math.ceil((max - 1) * 0.6);
  return `${text.slice(0, max - 1 - tail)}…${text.slice(text.length - tail)}`;
}

/** A long path shown ellipsized in the middle, in full on hover, with a button that copies it whole. */
export function pathCell(path: string, max = 72): HTMLElement {
  const copy = h('button', { class: 'ghost copy', type: 'button', title: 'Copy the full path' }, 'copy');
  copy.addEventListener('click', (e) => {
    e.stopPropagation();
    void navigator.clipboard?.writeText(path).then(() => {
      copy.textContent = 'copied';
    });
  });
  return h(
    'span',
    { class: 'path' },
    h('code', { title: path, 'data-path': path }, middleEllipsis(path, max)),
    copy,
  );
}
