/**
 * Strings the JSON reader decodes again and again (object keys; values such as ARM ids, MACs, rule
 * names that every minute record of a blob repeats) by byte hash, in a fixed number of slots. A hit
 * is verified against the cached raw bytes (a typed-array compare: comparing with `charCodeAt`
 * was the single hottest line on small records), so a collision only costs a decode, never a wrong
 * string. Hits also make equal values one string object, which later Map lookups hash once.
 */
export class AsciiCache {
  private readonly texts: (string | undefined)[];
  private readonly raw: (Uint8Array | undefined)[];
  private readonly mask: number;

  /** `slots` must be a power of two. */
  constructor(slots: number) {
    this.mask = slots - 1;
    this.texts = new Array(slots);
    this.raw = new Array(slots);
  }

  /** The text of the ASCII bytes `buf[start, end)`, whose hash (`h = h * 31 + byte`, as int32) is `hash`. */
  get(buf: Buffer, start: number, end: number, hash: number): string {
    const len = end - start;
    const slot = (hash ^ len) & this.mask;
    const raw = this.raw[slot];
    if (raw !== undefined && raw.length === len && sameBytes(raw, buf, start)) return this.texts[slot]!;
    const text = buf.toString('latin1', start, end);
    this.raw[slot] = new Uint8Array(buf.subarray(start, end));
    this.texts[slot] = text;
    return text;
  }
}

function sameBytes(raw: Uint8Array, buf: Uint8Array, at: number): boolean {
  for (let k = 0; k < raw.length; k++) if (raw[k] !== buf[at + k]) return false;
  return true;
}
