import { writeIp } from '../../core/net/ip.js';

/**
 * The rare-path field parsers of the tuple scanner (IPv6, non-`NX` encryption, reject details): they
 * may build a string, because real blobs almost never reach them.
 */

const COMMA = 0x2c;
const QUOTE = 0x22;

/** End of the field starting at `p`: the next comma, closing quote or `limit`. */
export function fieldEnd(buf: Uint8Array, p: number, limit: number): number {
  let q = p;
  while (q < limit && buf[q] !== COMMA && buf[q] !== QUOTE) q++;
  return q;
}

/** Any address `writeIp` accepts that contains a colon (IPv6); returns the field end or -1. */
export function ip6Field(buf: Uint8Array, start: number, limit: number, out: Uint8Array, at: number): number {
  const q = fieldEnd(buf, start, limit);
  const text = latin1(buf, start, q);
  return text.includes(':') && writeIp(text, out, at) ? q : -1;
}

/**
 * VNet encryption column: `X`, `NX` or `NX_<REASON>` (upper-case, digits, underscores; ≤ 40 bytes),
 * the documented set; null for anything else.
 * @see https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview#log-format
 */
export function encryptionToken(buf: Uint8Array, p: number, q: number): string | null {
  const len = q - p;
  if (len === 1 && buf[p] === 0x58) return 'X';
  if (len < 2 || len > 40 || buf[p] !== 0x4e || buf[p + 1] !== 0x58) return null;
  if (len === 2) return 'NX';
  if (len < 4 || buf[p + 2] !== 0x5f) return null;
  for (let k = p + 3; k < q; k++) {
    const ch = buf[k]!;
    if (!((ch >= 48 && ch <= 57) || (ch >= 65 && ch <= 90) || ch === 0x5f)) return null;
  }
  return latin1(buf, p, q);
}

export function countFields(buf: Uint8Array, start: number, end: number): number {
  let n = 1;
  for (let k = start; k < end; k++) if (buf[k] === COMMA) n++;
  return n;
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let k = start; k < end; k++) s += String.fromCharCode(buf[k]!);
  return s;
}
