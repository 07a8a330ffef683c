import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, tierSpans } from './time.js';

const t = (iso: string) => Date.parse(iso);
const spans = (from: string, to: string) =>
  tierSpans(t(from), t(to), [DAY_MS, HOUR_MS]).map((s) => [
    s.unit === DAY_MS ? 'day' : s.unit === HOUR_MS ? 'hour' : 'raw',
    new Date(s.from).toISOString(),
    new Date(s.to).toISOString(),
  ]);

describe('tierSpans', () => {
  it('whole days from the daily tier, the partial days by hours, the partial hours raw', () => {
    expect(spans('2026-01-10T13:30:00.500Z', '2026-01-13T00:10:00Z')).toEqual([
      ['raw', '2026-01-10T13:30:00.500Z', '2026-01-10T14:00:00.000Z'],
      ['hour', '2026-01-10T14:00:00.000Z', '2026-01-11T00:00:00.000Z'],
      ['day', '2026-01-11T00:00:00.000Z', '2026-01-13T00:00:00.000Z'],
      ['raw', '2026-01-13T00:00:00.000Z', '2026-01-13T00:10:00.000Z'],
    ]);
  });

  it('no whole day: hours and raw edges; no whole hour: raw; aligned: one tier', () => {
    expect(spans('2026-01-10T13:17:00Z', '2026-01-11T13:17:00Z').map(([u]) => u)).toEqual([
      'raw',
      'hour',
      'raw',
    ]);
    expect(spans('2026-01-10T13:17:00Z', '2026-01-10T13:59:00Z').map(([u]) => u)).toEqual(['raw']);
    expect(spans('2026-01-10T00:00:00Z', '2026-01-12T00:00:00Z').map(([u]) => u)).toEqual(['day']);
    expect(spans('2026-01-10T05:00:00Z', '2026-01-10T05:00:00Z')).toEqual([]);
  });

  it('the spans tile the window in order, whatever its ends', () => {
    for (let i = 0; i < 200; i++) {
      const from = Date.UTC(2026, 0, 1) + ((i * 7_919_993) % (5 * DAY_MS));
      const to = from + ((i * 1_047_293) % (9 * DAY_MS));
      const s = tierSpans(from, to, [DAY_MS, HOUR_MS]);
      expect(s.flatMap((x) => [x.from, x.to])).toEqual(
        s.length ? [from, ...s.slice(1).flatMap((x) => [x.from, x.from]), to] : [],
      );
      for (const x of s) {
        if (x.unit) expect([x.from % x.unit, x.to % x.unit]).toEqual([0, 0]);
        expect(x.from).toBeLessThan(x.to);
      }
      expect(s.filter((x) => x.unit === 0).reduce((n, x) => n + x.to - x.from, 0)).toBeLessThan(2 * HOUR_MS);
    }
  });
});
