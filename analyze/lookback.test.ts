import { describe, expect, it } from 'vitest';
import { daySplit } from './lookback.js';

const split = (from: string, to: string) => daySplit(new Date(from), new Date(to));

describe('daySplit: whole days, the whole hours around them, raw partial hours', () => {
  it('splits a look-back across days into days, hours and raw edges', () => {
    expect(split('2026-01-01T10:30:00Z', '2026-01-04T05:15:00Z')).toEqual({
      firstHour: '2026-01-01 11:00:00.000',
      lastHour: '2026-01-04 05:00:00.000',
      firstDay: '2026-01-02 00:00:00.000',
      lastDay: '2026-01-04 00:00:00.000',
    });
  });

  it('reads no day when none is whole inside: both days at the first hour, hours cover it all', () => {
    expect(split('2026-01-01T10:30:00Z', '2026-01-02T05:00:00Z')).toEqual({
      firstHour: '2026-01-01 11:00:00.000',
      lastHour: '2026-01-02 05:00:00.000',
      firstDay: '2026-01-01 11:00:00.000',
      lastDay: '2026-01-01 11:00:00.000',
    });
  });

  it('reads everything raw without a whole hour, and days only when the bounds are days', () => {
    const base = '2026-01-01 10:05:00.000';
    expect(split('2026-01-01T10:05:00Z', '2026-01-01T10:55:00Z')).toEqual({
      firstHour: base,
      lastHour: base,
      firstDay: base,
      lastDay: base,
    });
    expect(split('2026-01-01T00:00:00Z', '2026-01-03T00:00:00Z')).toEqual({
      firstHour: '2026-01-01 00:00:00.000',
      lastHour: '2026-01-03 00:00:00.000',
      firstDay: '2026-01-01 00:00:00.000',
      lastDay: '2026-01-03 00:00:00.000',
    });
  });
});
