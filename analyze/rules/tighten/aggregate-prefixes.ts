import { type Cidr, isV4Mapped, parseCidr } from '../../../core/net/ip.js';

/**
 * Collapses observed addresses into at most `maxPrefixes` covering prefixes per address family,
 * adding as little unobserved space as possible: exact sibling merges first (lossless), then the
 * adjacent pair with the smallest common supernet, repeatedly. Refuses (returns null) when meeting
 * the cap needs a prefix shorter than `minPrefixV4`/`minPrefixV6` — observed sources that spread
 * that wide are not a useful allow-list.
 */
export interface PrefixOptions {
  maxPrefixes: number;
  minPrefixV4: number;
  minPrefixV6: number;
}

interface Block {
  net: bigint;
  len: number;
}

export function aggregatePrefixes(ips: readonly Uint8Array[], opts: PrefixOptions): Cidr[] | null {
  const v4: bigint[] = [];
  const v6: bigint[] = [];
  for (const ip of ips) (isV4Mapped(ip) ? v4 : v6).push(isV4Mapped(ip) ? toBig(ip.subarray(12)) : toBig(ip));
  const a = collapse(v4, 32, opts.maxPrefixes, opts.minPrefixV4);
  const b = collapse(v6, 128, opts.maxPrefixes, opts.minPrefixV6);
  if (!a || !b) return null;
  return [...a.map((x) => toCidr(x, 32)), ...b.map((x) => toCidr(x, 128))];
}

function collapse(values: bigint[], width: number, cap: number, minLen: number): Block[] | null {
  const unique = [...new Set(values)].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  let blocks = mergeSiblings(
    unique.map((net) => ({ net, len: width })),
    width,
  );
  while (blocks.length > cap) {
    let best = -1;
    let bestLen = -1;
    for (let i = 0; i + 1 < blocks.length; i++) {
      const len = commonLen(blocks[i]!, blocks[i + 1]!, width);
      if (len > bestLen) [best, bestLen] = [i, len];
    }
    if (bestLen < minLen) return null;
    const sup = { net: maskBig(blocks[best]!.net, bestLen, width), len: bestLen };
    // Sorted order holds: the supernet starts at or before the first block it replaces.
    blocks = mergeSiblings([...blocks.slice(0, best), sup, ...blocks.slice(best + 2)], width);
  }
  return blocks;
}

/** Merges blocks covered by a neighbour and pairs of sibling blocks into their parent, until stable. */
function mergeSiblings(sorted: Block[], width: number): Block[] {
  const out: Block[] = [];
  for (const b of sorted) {
    let cur = b;
    let last = out[out.length - 1];
    if (last && covers(last, cur, width)) continue;
    while (
      last &&
      last.len === cur.len &&
      cur.len > 0 &&
      maskBig(last.net, cur.len - 1, width) === maskBig(cur.net, cur.len - 1, width)
    ) {
      out.pop();
      cur = { net: maskBig(last.net, cur.len - 1, width), len: cur.len - 1 };
      last = out[out.length - 1];
    }
    while (out.length && covers(cur, out[out.length - 1]!, width)) out.pop();
    out.push(cur);
  }
  return out;
}

function covers(outer: Block, inner: Block, width: number): boolean {
  return outer.len <= inner.len && maskBig(inner.net, outer.len, width) === outer.net;
}

function commonLen(a: Block, b: Block, width: number): number {
  let len = Math.min(a.len, b.len);
  while (len > 0 && maskBig(a.net, len, width) !== maskBig(b.net, len, width)) len--;
  return len;
}

function maskBig(v: bigint, len: number, width: number): bigint {
  const host = BigInt(width - len);
  return (v >> host) << host;
}

function toBig(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function toCidr(b: Block, width: number): Cidr {
  const bytes: number[] = [];
  for (let i = width / 8 - 1; i >= 0; i--) bytes.push(Number((b.net >> BigInt(i * 8)) & 0xffn));
  const text = width === 32 ? bytes.join('.') : v6Text(bytes);
  return parseCidr(`${text}/${b.len}`)!;
}

function v6Text(bytes: number[]): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':');
}
