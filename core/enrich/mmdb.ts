import { Reader, type Response } from 'mmdb-lib';
import { formatV4, formatV6 } from './cidr.js';
import { ASN_CSV, COUNTRY_CSV, type ConvertStats, type RangeDataset } from './datasets.js';

/**
 * MaxMind DB (`.mmdb`) files — GeoLite2, DB-IP lite and ip-location-db `*-mmdb` ASN and country
 * databases — turned into the same trie rows as the CSV files. mmdb-lib answers single lookups but
 * has no way to list networks, so the search tree is walked here (format:
 * https://maxmind.github.io/MaxMind-DB/) and mmdb-lib decodes each network's record.
 */

export interface MmdbNetwork {
  cidr: string;
  /** Network start as text, the address mmdb-lib is asked for the record. */
  start: string;
  record: unknown;
}

type NodeRead = (node: number, bit: 0 | 1) => number;

/** Left/right record of a node for 24, 28 and 32 bit record sizes. */
export function nodeReader(db: Buffer, recordSize: number): NodeRead {
  const nodeBytes = recordSize / 4;
  if (recordSize === 24) return (n, bit) => db.readUIntBE(n * nodeBytes + bit * 3, 3);
  if (recordSize === 28)
    return (n, bit) => {
      const o = n * nodeBytes;
      const middle = db[o + 3]!;
      return bit === 0
        ? ((middle & 0xf0) << 20) + db.readUIntBE(o, 3)
        : ((middle & 0x0f) << 24) + db.readUIntBE(o + 4, 3);
    };
  if (recordSize === 32) return (n, bit) => db.readUInt32BE(n * nodeBytes + bit * 4);
  throw new Error(`unsupported MMDB record size ${recordSize}`);
}

/**
 * Every network that has a record, in address order. In an IPv6 tree IPv4 lives under ::/96 and
 * MaxMind also links ::ffff:0:0/96 and 2002::/16 to that same subtree; those aliases are skipped
 * so each IPv4 network is listed once, as IPv4.
 */
export function* mmdbNetworks(db: Buffer): Generator<MmdbNetwork> {
  const reader = new Reader<Response>(db);
  const { nodeCount, recordSize, ipVersion } = reader.metadata;
  const read = nodeReader(db, recordSize);
  const bits = ipVersion === 6 ? 128 : 32;
  let v4Start = 0;
  for (let i = 0; ipVersion === 6 && i < 96 && v4Start < nodeCount; i++) v4Start = read(v4Start, 0);
  const records = new Map<number, unknown>();
  const stack: { node: number; depth: number; value: bigint }[] = [{ node: 0, depth: 0, value: 0n }];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const { node, depth, value } = top;
    if (node > nodeCount) {
      const net = networkText(value, depth, bits);
      if (!records.has(node)) records.set(node, reader.get(net.start));
      yield { ...net, record: records.get(node) };
      continue;
    }
    if (node === nodeCount || depth >= bits) continue;
    if (ipVersion === 6 && node === v4Start && value !== 0n) continue;
    const bit = 1n << BigInt(bits - 1 - depth);
    stack.push({ node: read(node, 1), depth: depth + 1, value: value | bit });
    stack.push({ node: read(node, 0), depth: depth + 1, value });
  }
}

function networkText(value: bigint, depth: number, bits: number): { cidr: string; start: string } {
  if (bits === 32) return { start: formatV4(Number(value)), cidr: `${formatV4(Number(value))}/${depth}` };
  if (depth >= 96 && value < 1n << 32n) {
    const start = formatV4(Number(value));
    return { start, cidr: `${start}/${depth - 96}` };
  }
  const start = formatV6(value);
  return { start, cidr: `${start}/${depth}` };
}

interface MmdbKind {
  dataset: RangeDataset;
  /** Trie attributes from a record; null rejects the network. */
  attributes(record: unknown): (string | number)[] | null;
}

const field = (r: unknown, key: string): unknown =>
  r !== null && typeof r === 'object' ? (r as Record<string, unknown>)[key] : undefined;

const isoCode = (r: unknown): unknown =>
  field(field(r, 'country'), 'iso_code') ??
  field(field(r, 'registered_country'), 'iso_code') ??
  field(r, 'country_code');

const KINDS: readonly MmdbKind[] = [
  {
    dataset: ASN_CSV,
    attributes: (r) => {
      const asn = field(r, 'autonomous_system_number');
      const org = field(r, 'autonomous_system_organization');
      return ASN_CSV.attributes([String(asn ?? ''), typeof org === 'string' ? org : '']);
    },
  },
  {
    // GeoLite2/DB-IP `country.iso_code` (else `registered_country`); ip-location-db `country_code`.
    dataset: COUNTRY_CSV,
    attributes: (r) => {
      const iso = isoCode(r);
      return COUNTRY_CSV.attributes([typeof iso === 'string' ? iso : '']);
    },
  },
];

const DETECT_RECORDS = 1000;

/** Which dataset an MMDB holds, from the shape of its first records; null when neither ASN nor country. */
export function mmdbDataset(db: Buffer): RangeDataset | null {
  let seen = 0;
  for (const { record } of mmdbNetworks(db)) {
    if (field(record, 'autonomous_system_number') !== undefined) return ASN_CSV;
    if (isoCode(record) !== undefined) return COUNTRY_CSV;
    if (++seen >= DETECT_RECORDS) break;
  }
  return null;
}

/** Converts every network of an MMDB into `dataset` trie rows; `lines` counts networks. */
export function* convertMmdb(
  dataset: RangeDataset,
  db: Buffer,
  stats: ConvertStats,
): Generator<(string | number)[]> {
  const kind = KINDS.find((k) => k.dataset === dataset);
  if (!kind) throw new Error(`no MMDB reading for dataset ${dataset.spec.name}`);
  for (const { cidr, record } of mmdbNetworks(db)) {
    stats.lines++;
    const attrs = kind.attributes(record);
    if (!attrs) {
      stats.rejected++;
      continue;
    }
    stats.rows++;
    yield [cidr, ...attrs];
  }
}
