/**
 * A minimal writer for one ClickHouse **Native** block, built from typed arrays without creating a
 * JS value per row. Layout (uncompressed, client revision 0, as read by the `Native` input format):
 * `varUInt columns, varUInt rows`, then per column `String name, String type, data`, where fixed-width
 * data is the little-endian values back to back (IPv6 / FixedString(16): 16 raw bytes per row).
 * @see https://clickhouse.com/docs/interfaces/formats/Native
 */
export interface NativeColumn {
  name: string;
  /** ClickHouse type of the bytes: UInt8, UInt16, UInt32, Float64, IPv6. */
  type: NativeType;
  /** Exactly `rows × width(type)` bytes once viewed as bytes. */
  data: ArrayBufferView;
}

export type NativeType = 'UInt8' | 'UInt16' | 'UInt32' | 'Float64' | 'IPv6';

const WIDTH: Record<NativeType, number> = { UInt8: 1, UInt16: 2, UInt32: 4, Float64: 8, IPv6: 16 };

/** Bytes one row of `type` takes in a Native block. */
export function nativeWidth(type: NativeType): number {
  return WIDTH[type];
}

/**
 * Encodes the block as a list of Buffers (header pieces and zero-copy views of the column data), so
 * the caller can write them with one vectored write and never copy the column bytes.
 * Typed arrays are little-endian on every platform Node supports (x64, arm64), as Native requires.
 */
export function encodeNativeBlock(columns: readonly NativeColumn[], rows: number): Buffer[] {
  const parts: Buffer[] = [Buffer.concat([varUInt(columns.length), varUInt(rows)])];
  for (const c of columns) {
    const expected = rows * WIDTH[c.type];
    if (c.data.byteLength !== expected) {
      throw new RangeError(`column ${c.name}: ${c.data.byteLength} bytes, expected ${expected}`);
    }
    parts.push(Buffer.concat([nativeString(c.name), nativeString(c.type)]));
    parts.push(Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength));
  }
  return parts;
}

/** The `structure` argument for `file(…, 'Native', structure)` / `input(structure)`. */
export function nativeStructure(columns: readonly Pick<NativeColumn, 'name' | 'type'>[]): string {
  return columns.map((c) => `${c.name} ${c.type}`).join(', ');
}

/** LEB128 unsigned varint, as ClickHouse's `writeVarUInt`. */
export function varUInt(value: number): Buffer {
  const out: number[] = [];
  let v = value;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    out.push(byte);
  } while (v > 0);
  return Buffer.from(out);
}

function nativeString(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([varUInt(bytes.length), bytes]);
}
