import ipaddr from 'ipaddr.js';

/**
 * IP helpers shared by normalizers, detectors and the rule model. Every address is handled as
 * 16 bytes (IPv4 as IPv4-mapped IPv6), which is how the `flows` table stores it (`IPv6` column).
 */

const V4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] as const;

/** Writes the 16-byte form of `text` into `out` at `at`; returns false when `text` is not an address. */
export function writeIp(text: string, out: Uint8Array, at: number): boolean {
  const v4 = parseIpv4(text);
  if (v4 >= 0) {
    writeV4Mapped(v4, out, at);
    return true;
  }
  if (!text.includes(':') || !ipaddr.IPv6.isValid(text)) return false;
  const parsed = ipaddr.IPv6.parse(text);
  out.set(parsed.toByteArray(), at);
  return true;
}

/** Parses a dotted quad into an unsigned 32-bit number, or -1. */
export function parseIpv4(text: string): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 3 || (digits > 0 && octet === 0)) return -1; // too long, or a leading zero
      octet = octet * 10 + (c - 48);
      digits++;
    } else if (c === 46) {
      if (digits === 0 || octet > 255 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else return -1;
  }
  if (dots !== 3 || digits === 0 || octet > 255) return -1;
  return value * 256 + octet;
}

export function writeV4Mapped(v4: number, out: Uint8Array, at: number): void {
  for (let k = 0; k < 12; k++) out[at + k] = V4_MAPPED_PREFIX[k]!;
  out[at + 12] = (v4 >>> 24) & 0xff;
  out[at + 13] = (v4 >>> 16) & 0xff;
  out[at + 14] = (v4 >>> 8) & 0xff;
  out[at + 15] = v4 & 0xff;
}

export function ipBytes(text: string): Uint8Array | null {
  const out = new Uint8Array(16);
  return writeIp(text, out, 0) ? out : null;
}

export function isV4Mapped(bytes: Uint8Array, at = 0): boolean {
  for (let k = 0; k < 12; k++) if (bytes[at + k] !== V4_MAPPED_PREFIX[k]) return false;
  return true;
}

/** Text form: dotted quad for IPv4-mapped addresses, RFC 5952 for the rest. */
export function formatIp(bytes: Uint8Array, at = 0): string {
  if (isV4Mapped(bytes, at)) {
    return `${bytes[at + 12]}.${bytes[at + 13]}.${bytes[at + 14]}.${bytes[at + 15]}`;
  }
  return ipaddr.fromByteArray(Array.from(bytes.subarray(at, at + 16))).toString();
}

/** A CIDR block as 16-byte network + prefix length on the 128-bit scale. */
export interface Cidr {
  bytes: Uint8Array;
  prefix: number;
  /** The original text, normalised (`10.0.0.0/8`, `2001:db8::/32`). */
  text: string;
}

/** Parses `a.b.c.d`, `a.b.c.d/n`, IPv6 and IPv6/n. A bare address is a /32 (/128). Returns null if invalid. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text.trim() : text.slice(0, slash).trim();
  const bytes = ipBytes(addr);
  if (!bytes) return null;
  const v4 = isV4Mapped(bytes);
  const max = v4 ? 32 : 128;
  let len = max;
  if (slash >= 0) {
    const raw = text.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(raw)) return null;
    len = Number(raw);
    if (len > max) return null;
  }
  const prefix = v4 ? len + 96 : len;
  maskInPlace(bytes, prefix);
  const network = formatIp(bytes);
  return { bytes, prefix, text: len === max && slash < 0 ? network : `${network}/${len}` };
}

export function maskInPlace(bytes: Uint8Array, prefix: number): void {
  for (let bit = prefix; bit < 128; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
}

export function cidrContains(cidr: Cidr, ip: Uint8Array, at = 0): boolean {
  const full = cidr.prefix >> 3;
  for (let k = 0; k < full; k++) if (cidr.bytes[k] !== ip[at + k]) return false;
  const rest = cidr.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (cidr.bytes[full]! & mask) === (ip[at + full]! & mask);
}

/**
 * Address space that is not "the internet" for egress and exposure purposes: RFC 1918, CGNAT,
 * loopback, link-local, multicast, reserved, IPv6 ULA/link-local, and Azure's platform addresses
 * (168.63.129.16 host/DNS/health probes; 169.254.169.254 IMDS, already link-local).
 * @see https://learn.microsoft.com/azure/virtual-network/what-is-ip-address-168-63-129-16
 */
export const NON_PUBLIC_RANGES: readonly Cidr[] = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '168.63.129.16/32',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::/128',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
].map((t) => parseCidr(t)!);

export function isPublicIp(bytes: Uint8Array, at = 0): boolean {
  for (const range of NON_PUBLIC_RANGES) if (cidrContains(range, bytes, at)) return false;
  return true;
}

export function isPublicIpText(text: string): boolean {
  const bytes = ipBytes(text);
  return bytes !== null && isPublicIp(bytes);
}
