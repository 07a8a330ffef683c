import { describe, expect, it } from 'vitest';
import { cidrContains, formatIp, ipBytes, isPublicIpText, parseCidr, parseIpv4 } from './ip.js';

describe('ip', () => {
  it.each([
    ['10.1.2.3', 0x0a010203],
    ['255.255.255.255', 0xffffffff],
    ['0.0.0.0', 0],
    ['01.2.3.4', -1],
    ['1.2.3', -1],
    ['1.2.3.256', -1],
    ['1.2.3.4.5', -1],
    ['', -1],
    ['a.b.c.d', -1],
  ])('parseIpv4(%s) = %d', (text, want) => expect(parseIpv4(text)).toBe(want));

  it.each([
    ['10.0.0.4', '10.0.0.4'],
    ['2001:db8::1', '2001:db8::1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
  ])('round-trips %s', (text, want) => expect(formatIp(ipBytes(text)!)).toBe(want));

  it('rejects garbage', () => {
    expect(ipBytes('10.0.0')).toBeNull();
    expect(ipBytes('zz::1::2')).toBeNull();
  });

  it.each([
    ['10.0.0.0/8', '10.255.1.1', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['192.168.1.0/25', '192.168.1.127', true],
    ['192.168.1.0/25', '192.168.1.128', false],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['0.0.0.0/0', '8.8.8.8', true],
    ['1.2.3.4', '1.2.3.4', true],
  ])('%s contains %s: %s', (cidr, ip, want) =>
    expect(cidrContains(parseCidr(cidr)!, ipBytes(ip)!)).toBe(want),
  );

  it('normalises CIDR text', () => {
    expect(parseCidr('10.1.2.3/8')?.text).toBe('10.0.0.0/8');
    expect(parseCidr('10.1.2.3/33')).toBeNull();
  });

  it.each([
    ['8.8.8.8', true],
    ['10.0.0.1', false],
    ['172.31.0.1', false],
    ['172.32.0.1', true],
    ['168.63.129.16', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['2001:4860::8888', true],
    ['fd00::1', false],
  ])('isPublic(%s) = %s', (ip, want) => expect(isPublicIpText(ip)).toBe(want));
});
