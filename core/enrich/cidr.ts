import ipaddr from 'ipaddr.js';
import { parseIpv4 } from '../net/ip.js';

/**
 * Address ranges → CIDR prefixes. ClickHouse's IP_TRIE dictionaries are keyed by prefixes, and it
 * has no function that splits an arbitrary range, so the split happens here before loading.
 * IPv4 uses plain numbers (exact below 2^53); IPv6 uses BigInt. Prefixes are rendered in the
 * text form IP_TRIE parses (`1.2.3.0/24`, `2001:db8::/32`).
 */

export type Family = 4 | 6;

export interface ParsedAddress {
  family: Family;
  value: bigint;
}

const V4_MAX = 2 ** 32 - 1;

/** Parses an IPv4 or IPv6 address; null when it is neither. */
export function parseAddress(text: string): ParsedAddress | null {
  const t = text.trim();
  const v4 = parseIpv4(t);
  if (v4 >= 0) return { family: 4, value: BigInt(v4) };
  if (!t.includes(':') || !ipaddr.IPv6.isValid(t)) return null;
  const hex = ipaddr.IPv6.parse(t)
    .parts.map((p) => p.toString(16).padStart(4, '0'))
    .join('');
  return { family: 6, value: BigInt(`0x${hex}`) };
}

/** Splits the inclusive range [start, end] of one family into the fewest prefixes. */
export function rangeToCidrs(start: ParsedAddress, end: ParsedAddress): string[] {
  if (start.family !== end.family || start.value > end.value) return [];
  return start.family === 4
    ? v4RangeToCidrs(Number(start.value), Number(end.value))
    : v6RangeToCidrs(start.value, end.value);
}

export function v4RangeToCidrs(start: number, end: number): string[] {
  const out: string[] = [];
  let cur = start;
  while (cur <= end && cur <= V4_MAX) {
    // Largest block aligned at `cur` that still fits in the range.
    const alignBits = cur === 0 ? 32 : Math.log2(lowestBit(cur));
    const bits = Math.min(alignBits, Math.floor(Math.log2(end - cur + 1)));
    const size = 2 ** bits;
    out.push(`${formatV4(cur)}/${32 - bits}`);
    cur += size;
  }
  return out;
}

export function v6RangeToCidrs(start: bigint, end: bigint): string[] {
  const out: string[] = [];
  let cur = start;
  while (cur <= end) {
    const alignBits = cur === 0n ? 128 : trailingZeros(cur);
    const bits = Math.min(alignBits, (end - cur + 1n).toString(2).length - 1);
    out.push(`${formatV6(cur)}/${128 - bits}`);
    cur += 1n << BigInt(bits);
  }
  return out;
}

/** Normalizes a CIDR or a bare address to `network/len` text; null when it is not one. */
export function normalizeCidr(
  text: string,
): { family: Family; cidr: string; network: bigint; len: number } | null {
  const [addr, lenText] = text.trim().split('/');
  const a = parseAddress(addr ?? '');
  if (!a) return null;
  const maxLen = a.family === 4 ? 32 : 128;
  const len = lenText === undefined ? maxLen : Number(lenText);
  if (
    !Number.isInteger(len) ||
    len < 0 ||
    len > maxLen ||
    (lenText !== undefined && !/^\d+$/.test(lenText))
  ) {
    return null;
  }
  const hostBits = BigInt(maxLen - len);
  const network = (a.value >> hostBits) << hostBits;
  const shown = a.family === 4 ? formatV4(Number(network)) : formatV6(network);
  return { family: a.family, cidr: `${shown}/${len}`, network, len };
}

/** Lowest set bit of a non-zero 32-bit value, as a number (2^k). */
function lowestBit(n: number): number {
  const low = n % 65536;
  return low !== 0 ? low & -low : 65536 * ((n / 65536) & -(n / 65536));
}

function trailingZeros(v: bigint): number {
  return (v & -v).toString(2).length - 1;
}

export function formatV4(n: number): string {
  return `${Math.floor(n / 16777216) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function formatV6(v: bigint): string {
  const hex = v.toString(16).padStart(32, '0');
  const parts: number[] = [];
  for (let i = 0; i < 32; i += 4) parts.push(Number.parseInt(hex.slice(i, i + 4), 16));
  return new ipaddr.IPv6(parts).toString();
}
