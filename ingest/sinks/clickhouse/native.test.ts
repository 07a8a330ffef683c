import { describe, expect, it } from 'vitest';
import { encodeNativeBlock, nativeStructure, varUInt } from './native.js';

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

  it('renders the structure for file()/input()', () => {
    expect(
      nativeStructure([
        { name: 'a', type: 'UInt8' },
        { name: 'ip', type: 'IPv6' },
      ]),
    ).toBe('a UInt8, ip IPv6');
  });
});
