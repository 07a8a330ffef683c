import { type Cidr, cidrContains, ipBytes, parseCidr } from '../core/net/ip.js';

/** A set of addresses and CIDR blocks (threat intel, allowlists). Linear scan: lists are small. */
export interface IpSet {
  readonly size: number;
  has(ip: string): boolean;
  /** The entry (as written) that contains `ip`, or undefined. */
  match(ip: string): string | undefined;
}

export function ipSet(entries: Iterable<string>): IpSet {
  const cidrs: Cidr[] = [];
  for (const e of entries) {
    const c = parseCidr(e.trim());
    if (c) cidrs.push(c);
  }
  return {
    size: cidrs.length,
    has: (ip) => match(cidrs, ip) !== undefined,
    match: (ip) => match(cidrs, ip),
  };
}

function match(cidrs: Cidr[], ip: string): string | undefined {
  const bytes = ipBytes(ip);
  if (!bytes) return undefined;
  return cidrs.find((c) => cidrContains(c, bytes))?.text;
}

/**
 * Parses a threat-intel list: one address or CIDR per line; `#` and `;` start comments (Spamhaus
 * DROP style `1.2.3.0/24 ; SBL123`), blank lines ignored. Returns the entries and the count of
 * lines that were not addresses.
 */
export function parseIpList(text: string): { entries: string[]; invalid: number } {
  const entries: string[] = [];
  let invalid = 0;
  for (const line of text.split(/\r?\n/)) {
    const value =
      line
        .replace(/[#;].*$/, '')
        .trim()
        .split(/[\s,]+/)[0] ?? '';
    if (!value) continue;
    if (parseCidr(value)) entries.push(value);
    else invalid++;
  }
  return { entries, invalid };
}
