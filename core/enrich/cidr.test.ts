import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeCidr, parseAddress, rangeToCidrs, v4RangeToCidrs, v6RangeToCidrs } from './cidr.js';

const range = (a: string, b: string) => rangeToCidrs(parseAddress(a)!, parseAddress(b)!);

describe('rangeToCidrs', () => {
  it('splits ranges from the packaged datasets into the fewest prefixes', () => {
    expect(range('1.0.0.0', '1.0.0.255')).toEqual(['1.0.0.0/24']);
    // asn-ipv4.csv line 5: 1.0.128.0,1.0.196.255 is not aligned
    expect(range('1.0.128.0', '1.0.196.255')).toEqual(['1.0.128.0/18', '1.0.192.0/22', '1.0.196.0/24']);
    expect(range('6.0.0.0', '8.10.5.255')).toEqual([
      '6.0.0.0/7',
      '8.0.0.0/13',
      '8.8.0.0/15',
      '8.10.0.0/22',
      '8.10.4.0/23',
    ]);
    expect(range('0.0.0.0', '255.255.255.255')).toEqual(['0.0.0.0/0']);
    expect(range('2001::', '2001::ffff:ffff:ffff:ffff:ffff:ffff')).toEqual(['2001::/32']);
    expect(range('2001:4860::', '2001:4860:4804:ffff:ffff:ffff:ffff:ffff')).toEqual([
      '2001:4860::/34',
      '2001:4860:4000::/37',
      '2001:4860:4800::/46',
      '2001:4860:4804::/48',
    ]);
  });

  it('rejects mixed families and reversed ranges', () => {
    expect(range('1.0.0.1', '2001::')).toEqual([]);
    expect(range('1.0.0.2', '1.0.0.1')).toEqual([]);
  });

  it('covers exactly the range, with aligned prefixes (IPv4 and IPv6)', () => {
    const v4 = fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }));
    fc.assert(
      fc.property(v4, ([a, b]) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        let next = BigInt(lo);
        for (const c of v4RangeToCidrs(lo, hi)) {
          const n = normalizeCidr(c)!;
          expect(n.network).toBe(next); // contiguous and aligned (normalize keeps the network)
          next += 1n << BigInt(32 - n.len);
        }
        expect(next).toBe(BigInt(hi) + 1n);
      }),
    );
    const v6 = fc.tuple(
      fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
      fc.bigInt({ min: 0n, max: 1n << 70n }),
    );
    fc.assert(
      fc.property(v6, ([start, width]) => {
        const end = start + width > (1n << 128n) - 1n ? (1n << 128n) - 1n : start + width;
        let next = start;
        for (const c of v6RangeToCidrs(start, end)) {
          const n = normalizeCidr(c)!;
          expect(n.network).toBe(next);
          next += 1n << BigInt(128 - n.len);
        }
        expect(next).toBe(end + 1n);
      }),
    );
  });
});

describe('normalizeCidr', () => {
  it('masks host bits and accepts bare addresses', () => {
    expect(normalizeCidr('198.51.100.77/24')?.cidr).toBe('198.51.100.0/24');
    expect(normalizeCidr('203.0.113.7')?.cidr).toBe('203.0.113.7/32');
    expect(normalizeCidr('2001:db8:bad::1/48')?.cidr).toBe('2001:db8:bad::/48');
    expect(normalizeCidr('10.0.0.0/33')).toBeNull();
    expect(normalizeCidr('10.0.0.0/')).toBeNull();
    expect(normalizeCidr('not-an-ip')).toBeNull();
  });
});
