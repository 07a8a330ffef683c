import { formatV4, formatV6, normalizeCidr } from './cidr.js';
import { parseCsvLine } from './datasets.js';
import type { TrieRow } from './store.js';

/**
 * Threat-intel lists: parsing the usual free-feed formats into prefixes, and building the trie rows
 * over all lists. An IP_TRIE answers only the longest matching prefix, so each prefix row carries
 * every list that covers it (a /32 on one list inside a /16 on another answers both).
 */

export type IntelFormat = 'lines' | 'csv' | 'stix';

export interface ParsedList {
  prefixes: string[];
  rejected: { line: number; reason: string }[];
}

export function parseIntel(text: string, format: IntelFormat, column?: string | number): ParsedList {
  if (format === 'stix') return parseStix(text);
  const out: ParsedList = { prefixes: [], rejected: [] };
  const lines = text.split(/\r?\n/);
  let col = typeof column === 'number' ? column : 0;
  let start = 0;
  if (format === 'csv' && typeof column === 'string') {
    // The header is the first line that is not a comment.
    while (start < lines.length && /^\s*(#|$)/.test(lines[start]!)) start++;
    col = parseCsvLine(lines[start] ?? '').findIndex((h) => h.trim() === column);
    if (col < 0) return { prefixes: [], rejected: [{ line: start + 1, reason: `no column ${column}` }] };
    start++;
  }
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    // Spamhaus DROP: `1.2.3.0/24 ; SBL123`; FireHOL/Tor: bare; CSV: the configured column.
    const field = format === 'csv' ? (parseCsvLine(line)[col] ?? '') : (line.split(/[\s;,]/)[0] ?? '');
    const n = normalizeCidr(field.replace(/^"|"$/g, ''));
    if (n) out.prefixes.push(n.cidr);
    else out.rejected.push({ line: i + 1, reason: `not an IP or CIDR: ${field.slice(0, 60)}` });
  }
  return out;
}

/** STIX 2.1 bundle: `indicator` objects with `[ipv4-addr:value = '…']` patterns, and bare `ipv4-addr`/`ipv6-addr` objects. */
function parseStix(text: string): ParsedList {
  const out: ParsedList = { prefixes: [], rejected: [] };
  let bundle: unknown;
  try {
    bundle = JSON.parse(text);
  } catch (e) {
    return { prefixes: [], rejected: [{ line: 0, reason: `not JSON: ${(e as Error).message}` }] };
  }
  const objects = (bundle as { objects?: unknown[] }).objects ?? [];
  objects.forEach((o, i) => {
    const obj = o as { type?: string; pattern?: string; value?: string };
    const values: string[] = [];
    if (obj.type === 'indicator' && typeof obj.pattern === 'string') {
      for (const m of obj.pattern.matchAll(/ipv[46]-addr:value\s*=\s*'([^']+)'/g)) values.push(m[1]!);
    } else if ((obj.type === 'ipv4-addr' || obj.type === 'ipv6-addr') && typeof obj.value === 'string') {
      values.push(obj.value);
    }
    for (const v of values) {
      const n = normalizeCidr(v);
      if (n) out.prefixes.push(n.cidr);
      else out.rejected.push({ line: i, reason: `object ${i}: not an IP or CIDR: ${v.slice(0, 60)}` });
    }
  });
  return out;
}

export interface IntelEntry {
  list: string;
  prefix: string;
  confidence: number;
}

/** Trie rows `[prefix, lists, confidence]`: per prefix, the lists of every prefix covering it, max confidence. */
export function intelTrieRows(entries: IntelEntry[]): TrieRow[] {
  const byPrefix = new Map<string, { lists: Set<string>; confidence: number }>();
  for (const e of entries) {
    const cur = byPrefix.get(e.prefix) ?? { lists: new Set(), confidence: 0 };
    cur.lists.add(e.list);
    cur.confidence = Math.max(cur.confidence, e.confidence);
    byPrefix.set(e.prefix, cur);
  }
  const parsed = [...byPrefix.keys()].map((p) => ({ p, n: normalizeCidr(p)! }));
  const rows: TrieRow[] = [];
  for (const { p, n } of parsed) {
    const own = byPrefix.get(p)!;
    const lists = new Set(own.lists);
    let confidence = own.confidence;
    const maxLen = n.family === 4 ? 32 : 128;
    for (let len = 0; len < n.len; len++) {
      const hostBits = BigInt(maxLen - len);
      const net = (n.network >> hostBits) << hostBits;
      const cover = byPrefix.get(`${n.family === 4 ? formatV4(Number(net)) : formatV6(net)}/${len}`);
      if (!cover) continue;
      for (const l of cover.lists) lists.add(l);
      confidence = Math.max(confidence, cover.confidence);
    }
    rows.push([p, [...lists].sort(), confidence]);
  }
  return rows;
}
