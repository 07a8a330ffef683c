import { cidrContains, ipBytes, isV4Mapped, NON_PUBLIC_RANGES } from '../../core/net/ip.js';

/**
 * `isPublicIp` for IPv4 as a numeric mask test. Per tuple, `isPublicIp` compares up to 17 ranges
 * byte by byte; this table is derived once from the same `NON_PUBLIC_RANGES`, so both always agree
 * (checked by public-v4.test.ts), at a fraction of the cost.
 */
export class PublicV4 {
  private readonly nets: Uint32Array;
  private readonly masks: Uint32Array;
  private readonly allPrivate: boolean;

  constructor() {
    const nets: number[] = [];
    const masks: number[] = [];
    const zero = ipBytes('0.0.0.0')!;
    let allPrivate = false;
    for (const range of NON_PUBLIC_RANGES) {
      if (range.prefix <= 96) {
        if (cidrContains(range, zero)) allPrivate = true;
        continue;
      }
      if (!isV4Mapped(range.bytes)) continue;
      const b = range.bytes;
      const bits = range.prefix - 96;
      nets.push(((b[12]! << 24) | (b[13]! << 16) | (b[14]! << 8) | b[15]!) >>> 0);
      masks.push(bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0);
    }
    this.nets = Uint32Array.from(nets);
    this.masks = Uint32Array.from(masks);
    this.allPrivate = allPrivate;
  }

  /** `v4` is the address as an unsigned 32-bit number. */
  isPublic(v4: number): boolean {
    if (this.allPrivate) return false;
    const nets = this.nets;
    const masks = this.masks;
    for (let k = 0; k < nets.length; k++) {
      if ((v4 & masks[k]!) >>> 0 === nets[k]) return false;
    }
    return true;
  }
}
