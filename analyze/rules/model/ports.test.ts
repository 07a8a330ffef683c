import { describe, expect, it } from 'vitest';
import { formatPortRanges, parsePorts, portCount, rangesContain, subtractRanges } from './ports.js';

describe('ports', () => {
  it.each([
    [['*'], ['*'], []],
    [['80'], ['80'], []],
    [['443', '80', '81'], ['80-81', '443'], []],
    [['1024-65535', '80'], ['80', '1024-65535'], []],
    [['0-65535'], ['*'], []],
    [['80,443'], ['80', '443'], []],
    [['80-70', 'x', '70000'], [], ['80-70', 'x', '70000']],
  ])('parsePorts(%j)', (input, want, invalid) => {
    const p = parsePorts(input);
    expect(formatPortRanges(p.ranges)).toEqual(want);
    expect(p.invalid).toEqual(invalid);
  });

  it('containment and size', () => {
    const wide = parsePorts(['1000-2000']).ranges;
    expect(rangesContain(wide, parsePorts(['1500', '1999-2000']).ranges)).toBe(true);
    expect(rangesContain(wide, parsePorts(['999-1000']).ranges)).toBe(false);
    expect(portCount(wide)).toBe(1001);
  });

  it('subtracts observed ports from allowed ones', () => {
    const rest = subtractRanges(parsePorts(['8000-8100']).ranges, parsePorts(['8080', '8000']).ranges);
    expect(formatPortRanges(rest)).toEqual(['8001-8079', '8081-8100']);
  });
});
