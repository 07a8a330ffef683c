import { describe, expect, it } from 'vitest';
import { encodeNativeBlock, keyArray, nativeStructure, varUInt } from './native.js';

describe('Native block encoding', () => {
  it.each([
    [0, [0]],
    [1, [1]],
    [127, [127]],
    [128, [0x80, 0x01]],
    [300, [0xac, 0x02]],
    [100_000, [0xa0, 0x8d, 0x06]],
  ])('varUInt(%i)', (value, bytes) => {
    expect([...varUInt(value)]).toEqual(bytes);
  });

  it('lays out header, names, types and little-endian data', () => {
    const block = Buffer.concat(
      encodeNativeBlock(
        [
          { name: 'a', type: 'UInt16', data: new Uint16Array([1, 0x0203]) },
          { name: 'b', type: 'Float64', data: new Float64Array([1.5, -2]) },
        ],
        2,
      ),
    );
    const expected = Buffer.concat([
      Buffer.from([2, 2]),
      Buffer.from([1, 0x61, 6, ...Buffer.from('UInt16')]),
      Buffer.from([1, 0, 3, 2]),
      Buffer.from([1, 0x62, 7, ...Buffer.from('Float64')]),
      Buffer.from(new Float64Array([1.5, -2]).buffer),
    ]);
    expect(block.equals(expected)).toBe(true);
  });

  it('shares the column memory instead of copying it', () => {
    const data = new Uint32Array([7, 8, 9]).subarray(1);
    const parts = encodeNativeBlock([{ name: 'x', type: 'UInt32', data }], 2);
    const view = parts[2]!;
    expect(view.buffer).toBe(data.buffer);
    expect(view.byteOffset).toBe(4);
  });

  it('refuses a column whose length disagrees with the row count', () => {
    expect(() => encodeNativeBlock([{ name: 'x', type: 'IPv6', data: new Uint8Array(17) }], 1)).toThrow(
      /expected 16/,
    );
  });

  it('encodes LowCardinality(String) as version, flags, dictionary, row count and keys', () => {
    const keys = new Uint8Array([1, 0, 1]);
    const block = Buffer.concat(
      encodeNativeBlock([{ name: 's', type: 'LowCardinality(String)', dict: ['ab', ''], keys }], 3),
    );
    const u64 = (v: number) => {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(BigInt(v));
      return b;
    };
    const expected = Buffer.concat([
      Buffer.from([1, 3, 1, 0x73, 22, ...Buffer.from('LowCardinality(String)')]),
      u64(1), // shared dictionaries with additional keys
      u64(512), // UInt8 keys | HasAdditionalKeysBit
      u64(2),
      Buffer.from([2, 0x61, 0x62, 0]),
      u64(3),
      Buffer.from([1, 0, 1]),
    ]);
    expect(block.equals(expected)).toBe(true);
  });

  it('picks the narrowest key width', () => {
    expect(keyArray(256, 1)).toBeInstanceOf(Uint8Array);
    expect(keyArray(257, 1)).toBeInstanceOf(Uint16Array);
    expect(keyArray(70_000, 1)).toBeInstanceOf(Uint32Array);
  });

  it('renders the structure for file()/input()', () => {
    expect(
      nativeStructure([
        { name: 'a', type: 'UInt8' },
        { name: 'ip', type: 'IPv6' },
      ]),
    ).toBe('a UInt8, ip IPv6');
  });
});
