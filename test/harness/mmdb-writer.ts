import { parseAddress } from '../../core/enrich/cidr.js';

/**
 * A minimal MaxMind DB writer for tests (IPv6 tree, 24-bit records; strings, unsigned integers,
 * maps and arrays), after https://maxmind.github.io/MaxMind-DB/. It exists so tests build their
 * databases from readable network lists instead of committing binaries; mmdb-lib reading back
 * what it writes is the check that it follows the format. `aliasIpv4` links ::ffff:0:0/96 and
 * 2002::/16 to the IPv4 subtree the way MaxMind's own databases do.
 */

type Value = string | number | Value[] | { [key: string]: Value };
interface Node {
  kids: [Child, Child];
}
type Child = Node | { data: Value } | null;

export function writeMmdb(
  networks: { cidr: string; record: Value }[],
  opts: { databaseType: string; aliasIpv4?: boolean },
): Buffer {
  const root: Node = { kids: [null, null] };
  for (const { cidr, record } of networks) insert(root, cidr, { data: record });
  if (opts.aliasIpv4) {
    const v4 = descend(root, 0n, 96);
    link(root, 0xffffn << 32n, 96, v4);
    link(root, 0x2002n << 112n, 16, v4);
  }
  const nodes: Node[] = [];
  const index = new Map<Node, number>();
  const visit = (n: Node) => {
    if (index.has(n)) return;
    index.set(n, nodes.length);
    nodes.push(n);
    for (const k of n.kids) if (k && 'kids' in k) visit(k);
  };
  visit(root);
  const data: Buffer[] = [];
  const offsets = new Map<string, number>();
  let dataSize = 0;
  const recordOf = (k: Child): number => {
    if (!k) return nodes.length;
    if ('kids' in k) return index.get(k)!;
    const key = JSON.stringify(k.data);
    if (!offsets.has(key)) {
      const bytes = encode(k.data);
      offsets.set(key, dataSize);
      data.push(bytes);
      dataSize += bytes.length;
    }
    return nodes.length + 16 + offsets.get(key)!;
  };
  const tree = Buffer.alloc(nodes.length * 6);
  nodes.forEach((n, i) => {
    tree.writeUIntBE(recordOf(n.kids[0]), i * 6, 3);
    tree.writeUIntBE(recordOf(n.kids[1]), i * 6 + 3, 3);
  });
  const metadata = encode({
    node_count: nodes.length,
    record_size: 24,
    ip_version: 6,
    database_type: opts.databaseType,
    languages: ['en'],
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: 1_700_000_000,
    description: { en: 'flowlens test database' },
  });
  const marker = Buffer.concat([Buffer.from([0xab, 0xcd, 0xef]), Buffer.from('MaxMind.com')]);
  return Buffer.concat([tree, Buffer.alloc(16), ...data, marker, metadata]);
}

/** IPv4 networks go under ::/96, as in every IPv6 MaxMind DB. */
function bitsOf(cidr: string): { value: bigint; length: number } {
  const [addr, len] = cidr.split('/');
  const a = parseAddress(addr!);
  if (!a) throw new Error(`bad test network ${cidr}`);
  return a.family === 4
    ? { value: BigInt(a.value), length: Number(len) + 96 }
    : { value: BigInt(a.value), length: Number(len) };
}

const bitAt = (value: bigint, i: number): 0 | 1 => ((value >> BigInt(127 - i)) & 1n ? 1 : 0);

function insert(root: Node, cidr: string, leaf: Child): void {
  const { value, length } = bitsOf(cidr);
  const parent = descend(root, value, length - 1);
  parent.kids[bitAt(value, length - 1)] = leaf;
}

function descend(root: Node, value: bigint, depth: number): Node {
  let node = root;
  for (let i = 0; i < depth; i++) {
    const b = bitAt(value, i);
    let next = node.kids[b];
    if (next && !('kids' in next)) throw new Error('test networks overlap');
    if (!next) {
      next = { kids: [null, null] };
      node.kids[b] = next;
    }
    node = next;
  }
  return node;
}

function link(root: Node, value: bigint, depth: number, target: Node): void {
  descend(root, value, depth - 1).kids[bitAt(value, depth - 1)] = target;
}

function encode(v: Value): Buffer {
  if (typeof v === 'string') return withControl(2, Buffer.from(v, 'utf8'), Buffer.byteLength(v));
  if (typeof v === 'number') {
    const bytes: number[] = [];
    for (let n = v; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
    return withControl(6, Buffer.from(bytes), bytes.length);
  }
  if (Array.isArray(v)) return withControl(11, Buffer.concat(v.map(encode)), v.length);
  const entries = Object.entries(v);
  const body = entries.flatMap(([k, x]) => [encode(k), encode(x)]);
  return withControl(7, Buffer.concat(body), entries.length);
}

/** Control byte: type in the top 3 bits (extended types > 7 in a second byte), size below 29 inline. */
function withControl(type: number, body: Buffer, size: number): Buffer {
  const head: number[] = [];
  const sizeBytes: number[] = [];
  let sizeBits = size;
  if (size >= 285) throw new Error('test MMDB values are small');
  if (size >= 29) {
    sizeBits = 29;
    sizeBytes.push(size - 29);
  }
  if (type <= 7) head.push((type << 5) | sizeBits);
  else head.push(sizeBits, type - 7);
  return Buffer.concat([Buffer.from([...head, ...sizeBytes]), body]);
}
