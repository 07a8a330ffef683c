import { parsePorts } from '../model/ports.js';
import { esc } from './html-escape.js';

/** Inline SVG charts for the HTML report: no scripts, no external assets, print-safe. */
export function barChart(
  rows: readonly [string, number][],
  opts: { width?: number; max?: number; unit?: string; threshold?: number } = {},
): string {
  const width = opts.width ?? 640;
  const label = 250;
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
 * Port strip over the span the rule allows (all 0–65535 for `*`): what the rule allows (light),
 * what is proposed (dark), observed ports (ticks). Narrow ranges keep a minimum width.
 */
export function portStrip(
  allowed: readonly string[],
  proposed: readonly string[] | null,
  observed: readonly number[],
): string {
  const W = 560;
  const allowedRanges = parsePorts(allowed.length ? allowed : ['*']).ranges;
  let lo = Math.min(...allowedRanges.map((r) => r[0]), ...observed);
  let hi = Math.max(...allowedRanges.map((r) => r[1]), ...observed);
  if (hi - lo < 10) [lo, hi] = [Math.max(0, lo - 5), Math.min(65535, hi + 5)];
  // Port p occupies [p, p + 1) so a single port has a width.
  const x = (p: number) => ((p - lo) / (hi + 1 - lo)) * (W - 4) + 2;
  const rects = (ranges: readonly (readonly [number, number])[], cls: string, y: number, h: number) =>
    ranges
      .map(
        ([a, b]) =>
          `<rect x="${x(a).toFixed(1)}" y="${y}" width="${Math.max(3, x(b + 1) - x(a)).toFixed(1)}" height="${h}" class="${cls}"/>`,
      )
      .join('');
  const ticks = observed
    .map(
      (p) =>
        `<line x1="${x(p + 0.5).toFixed(1)}" x2="${x(p + 0.5).toFixed(1)}" y1="0" y2="26" class="tick"/>`,
    )
    .join('');
  const axis = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => Math.round(lo + f * (hi - lo)))
    .map(
      (p, i) =>
        `<text x="${x(i === 4 ? p + 1 : p).toFixed(1)}" y="40" text-anchor="${i === 0 ? 'start' : i === 4 ? 'end' : 'middle'}">${p}</text>`,
    )
    .join('');
  const prop = proposed ? rects(parsePorts(proposed.length ? proposed : ['*']).ranges, 'proposed', 9, 8) : '';
  return `<svg class="chart" role="img" aria-label="destination ports" width="${W}" height="44" viewBox="0 0 ${W} 44"><rect x="0" y="4" width="${W}" height="18" class="track"/>${rects(allowedRanges, 'allowed', 4, 18)}${prop}${ticks}${axis}</svg>`;
}
