import { describe, expect, it } from 'vitest';
import { ipBytes } from '../../../core/net/ip.js';
import { aggregatePorts, intersectRanges } from './aggregate-ports.js';
import { aggregatePrefixes } from './aggregate-prefixes.js';

const opts = { maxPrefixes: 4, minPrefixV4: 16, minPrefixV6: 48 };
const agg = (ips: string[], o = opts) =>
  aggregatePrefixes(
    ips.map((t) => ipBytes(t)!),
    o,
  )?.map((c) => c.text) ?? null;

describe('aggregatePrefixes', () => {
  it.each([
    ['single host', ['203.0.113.5'], ['203.0.113.5/32']],
    ['duplicates', ['203.0.113.5', '203.0.113.5'], ['203.0.113.5/32']],
    ['two unrelated hosts', ['203.0.113.5', '198.51.100.7'], ['198.51.100.7/32', '203.0.113.5/32']],
    ['siblings merge losslessly', ['10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.3'], ['10.0.0.0/30']],
    ['full /24 collapses', Array.from({ length: 256 }, (_, i) => `10.9.8.${i}`), ['10.9.8.0/24']],
    ['IPv6 hosts', ['2001:db8::1', '2001:db8::2'], ['2001:db8::1/128', '2001:db8::2/128']],
    ['mixed families', ['2001:db8::1', '192.0.2.1'], ['192.0.2.1/32', '2001:db8::1/128']],
  ])('%s', (_n, ips, want) => expect(agg(ips)).toEqual(want));

  it('merges the closest pair first to meet the cap', () => {
    const ips = ['10.1.0.1', '10.1.0.9', '10.2.0.1', '10.3.0.1', '10.4.0.1'];
    expect(agg(ips)).toEqual(['10.1.0.0/28', '10.2.0.1/32', '10.3.0.1/32', '10.4.0.1/32']);
  });

  it('covers every input address', () => {
    const ips = Array.from({ length: 40 }, (_, i) => `172.16.${i * 3}.${(i * 37) % 256}`);
    const out = aggregatePrefixes(
      ips.map((t) => ipBytes(t)!),
      { maxPrefixes: 3, minPrefixV4: 8, minPrefixV6: 48 },
    )!;
    expect(out.length).toBeLessThanOrEqual(3);
    const contains = (c: (typeof out)[number], ip: Uint8Array) => {
      for (let bit = 0; bit < c.prefix; bit++) {
        const m = 0x80 >> (bit & 7);
        if ((c.bytes[bit >> 3]! & m) !== (ip[bit >> 3]! & m)) return false;
      }
      return true;
    };
    for (const t of ips) expect(out.some((c) => contains(c, ipBytes(t)!))).toBe(true);
  });

  it('refuses when the cap needs a prefix wider than the minimum', () => {
    expect(agg(['1.1.1.1', '9.9.9.9', '77.1.1.1', '200.1.1.1', '100.1.1.1'])).toBeNull();
  });
});

describe('aggregatePorts', () => {
  it.each([
    [[443], 5, [[443, 443]]],
    [
      [80, 81, 82, 443],
      5,
      [
        [80, 82],
        [443, 443],
      ],
    ],
    [
      [1, 3, 100, 102, 5000],
      2,
      [
        [1, 102],
        [5000, 5000],
      ],
    ],
    [[22, 80, 443, 3389], 1, [[22, 3389]]],
  ])('%j cap %d', (ports, cap, want) => expect(aggregatePorts(ports, cap)).toEqual(want));

  it('intersects with what the rule allowed', () => {
    expect(
      intersectRanges(
        [[80, 443]],
        [
          [0, 100],
          [400, 500],
        ],
      ),
    ).toEqual([
      [80, 100],
      [400, 443],
    ]);
  });
});
