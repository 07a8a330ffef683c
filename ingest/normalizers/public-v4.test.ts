import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipBytes, isPublicIp } from '../../core/net/ip.js';
import { PublicV4 } from './public-v4.js';

describe('PublicV4', () => {
  const fast = new PublicV4();
  const text = (v: number) => `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;

  it('agrees with core isPublicIp on range edges', () => {
    for (const t of [
      '10.0.0.0',
      '9.255.255.255',
      '11.0.0.0',
      '100.64.0.0',
      '100.127.255.255',
      '100.128.0.0',
      '168.63.129.16',
      '168.63.129.17',
      '172.15.255.255',
      '172.16.0.0',
      '172.31.255.255',
      '172.32.0.0',
      '192.168.1.1',
      '224.0.0.1',
      '255.255.255.255',
      '8.8.8.8',
      '0.0.0.0',
    ]) {
      const v = text(0) === t ? 0 : t.split('.').reduce((a, o) => a * 256 + Number(o), 0);
      expect(fast.isPublic(v), t).toBe(isPublicIp(ipBytes(t)!));
    }
  });

  it('agrees with core isPublicIp on random addresses', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        (v) => fast.isPublic(v) === isPublicIp(ipBytes(text(v))!),
      ),
      { numRuns: 5000 },
    );
  });
});
