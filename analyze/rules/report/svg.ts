import { parsePorts } from '../model/ports.js';
import { esc } from './html-escape.js';

/** Inline SVG charts for the HTML report: no scripts, no external assets, print-safe. */
export function barChart(
  rows: readonly [string, number][],
  opts: { width?: number; max?: number; unit?: string; threshold?: number } = {},
): string {
  const width = opts.width ?? 560;
  const label = 190;
  const bar = width - label - 60;
  const max = opts.max ?? Math.max(1, ...rows.map(([, v]) => v));
  const h = 22;
  const body = rows
    .map(([name, v], i) => {
      const w = Math.max(1, Math.round((v / max) * bar));
      const y = i * h;
      const text = opts.unit === '%' ? `${Math.round(v * 100)}%` : String(v);
      return (
        `<text x="${label - 6}" y="${y + 15}" text-anchor="end">${esc(name)}</text>` +
        `<rect x="${label}" y="${y + 4}" width="${w}" height="14" rx="2" class="bar"/>` +
        `<text x="${label + w + 6}" y="${y + 15}">${text}</text>`
      );
    })
    .join('');
  const line =
    opts.threshold === undefined
      ? ''
      : `<line x1="${label + (opts.threshold / max) * bar}" x2="${label + (opts.threshold / max) * bar}" y1="0" y2="${rows.length * h}" class="threshold"/>`;
  return `<svg class="chart" role="img" width="${width}" height="${rows.length * h + 4}" viewBox="0 0 ${width} ${rows.length * h + 4}">${body}${line}</svg>`;
}

/**
 * Port strip 0–65535: what the rule allows (light), what is proposed (dark), observed ports (ticks).
 * Narrow ranges get a minimum width so a single port stays visible.
 */
export function portStrip(
  allowed: readonly string[],
  proposed: readonly string[] | null,
  observed: readonly number[],
): string {
  const W = 560;
  const x = (p: number) => (p / 65535) * W;
  const rects = (terms: readonly string[], cls: string, y: number, h: number) =>
    parsePorts(terms.length ? terms : ['*'])
      .ranges.map(
        ([lo, hi]) =>
          `<rect x="${x(lo).toFixed(1)}" y="${y}" width="${Math.max(2, x(hi) - x(lo)).toFixed(1)}" height="${h}" class="${cls}"/>`,
      )
      .join('');
  const ticks = observed
    .map((p) => `<line x1="${x(p).toFixed(1)}" x2="${x(p).toFixed(1)}" y1="0" y2="26" class="tick"/>`)
    .join('');
  const axis = [0, 1024, 16384, 32768, 49152, 65535]
    .map((p) => `<text x="${Math.min(W - 24, x(p)).toFixed(1)}" y="40">${p}</text>`)
    .join('');
  return `<svg class="chart" role="img" aria-label="destination ports" width="${W}" height="44" viewBox="0 0 ${W} 44"><rect x="0" y="4" width="${W}" height="18" class="track"/>${rects(allowed, 'allowed', 4, 18)}${proposed ? rects(proposed, 'proposed', 9, 8) : ''}${ticks}${axis}</svg>`;
}
