import { describe, expect, it } from 'vitest';
import { coverageHours, spanHours } from './coverage.js';
import { coverageGaps, coverageGapText } from './gaps.js';

const WINDOW = { from: '2024-05-01T00:00:00.000Z', to: '2024-05-08T00:00:00.000Z' };
const entry = (nsg: string, rule: string, share: number, first = 0) => ({
  nsg,
  rule,
  coverage: share,
  reason: 'r',
  ...coverageHours(share, spanHours(WINDOW, 28, first), 0.9),
});

describe('coverage in hours', () => {
  it('states covered, required and missing hours of the span', () => {
    expect(spanHours(WINDOW, 28)).toBe(168);
    expect(spanHours(WINDOW, 28, 21)).toBe(42);
    expect(coverageHours(4 / 28, 168, 0.9)).toEqual({
      coveredHours: 24,
      requiredHours: 151.2,
      missingHours: 127.2,
    });
    expect(coverageHours(1, 168, 0.9).missingHours).toBe(0);
  });
});

describe('coverageGaps', () => {
  it('groups rules without verdict per NSG with the hours of the worst rule', () => {
    const gaps = coverageGaps({
      insufficientData: [entry('web', 'ftp', 4 / 28), entry('web', 'jit', 0, 21), entry('app', 'x', 0.5)],
    });
    expect(gaps).toEqual([
      { nsg: 'app', rules: ['x'], coveredHours: 84, requiredHours: 151.2, missingHours: 67.2 },
      { nsg: 'web', rules: ['ftp', 'jit'], coveredHours: 24, requiredHours: 151.2, missingHours: 127.2 },
    ]);
    const text = coverageGapText(gaps, WINDOW);
    expect(text).toContain('rules without verdict (2024-05-01T00:00:00.000Z – 2024-05-08T00:00:00.000Z)');
    expect(text).toContain('  web: flow logs cover 24 h, 151.2 h needed: 127.2 h more (ftp, jit)');
  });

  it('says nothing when every rule got a verdict', () => {
    expect(coverageGaps({ insufficientData: [] })).toEqual([]);
    expect(coverageGapText([], WINDOW)).toBe('');
  });
});
