/**
 * A small JSON parser over a Buffer. It materializes ordinary values (objects, arrays, strings,
 * numbers, literals) but hands every `flowTuples` array to a {@link TuplesHook}, which scans the tuple
 * bytes straight into columns: the per-tuple JS string is what makes `JSON.parse` + split slow
 * (docs/reference/performance-facts.md §3.1). Objects are plain literals (fast hidden classes when records share
 * a shape); a `__proto__` key is defined as an own property, so it never changes a prototype.
 * @see https://www.rfc-editor.org/rfc/rfc8259
 */
import { AsciiCache } from './ascii-cache.js';

/** Where a `flowTuples` array sits: under `flowRecords`/`flowGroups` (VNet) or anywhere else (NSG). */
export const FAMILY_NSG = 0;
export const FAMILY_VNET = 1;

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject | TupleRun;
export interface JsonObject {
  [key: string]: JsonValue | undefined;
}

/** Placeholder value of a scanned `flowTuples` array: its context id (-1 while it held no tuple). */
export class TupleRun {
  ctx = -1;
  tuples = 0;
  /** Tuples seen with 13 fields (NSG v2 / VNet) and 8 fields (NSG v1). */
  wide = 0;
  narrow = 0;
}

export interface TuplesHook {
  /** Called with `reader.pos` on the `[`; must leave `pos` after the matching `]`. */
  tuples(reader: JsonReader, family: number, depth: number): TupleRun;
}

export class JsonSyntaxError extends Error {
  constructor(readonly position: number) {
    super(`invalid JSON at byte ${position}`);
  }
}

const MAX_DEPTH = 64;
const ESCAPES: Record<number, string> = {
  34: '"',
  92: '\\',
  47: '/',
  98: '\b',
  102: '\f',
  110: '\n',
  114: '\r',
  116: '\t',
};

const KEY_CACHE_MAX = 48;
/** Longer values (rare: long ARM ids) are decoded each time. */
const VALUE_CACHE_MAX = 200;

export class JsonReader {
  pos = 0;
  private readonly keys = new AsciiCache(256);
  private readonly values = new AsciiCache(256);

  constructor(
    readonly buf: Buffer,
    readonly end: number,
    private readonly hook: TuplesHook,
  ) {}

  fail(at = this.pos): never {
    throw new JsonSyntaxError(at);
  }

  skipWs(): void {
    const buf = this.buf;
    let p = this.pos;
    while (p < this.end) {
      const c = buf[p]!;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      p++;
    }
    this.pos = p;
  }

  /** Parses one value at `pos` (after optional whitespace). */
  value(depth: number, family: number): JsonValue {
    this.skipWs();
    if (this.pos >= this.end) this.fail();
    const c = this.buf[this.pos]!;
    if (c === 0x7b) return this.object(depth + 1, family);
    if (c === 0x5b) return this.array(depth + 1, family);
    if (c === 0x22) return this.valueString();
    if (c === 0x74) return this.literal('true', true);
    if (c === 0x66) return this.literal('false', false);
    if (c === 0x6e) return this.literal('null', null);
    return this.number();
  }

  private object(depth: number, family: number): JsonObject {
    if (depth > MAX_DEPTH) this.fail();
    const out: JsonObject = {};
    this.pos++;
    this.skipWs();
    if (this.buf[this.pos] === 0x7d) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      if (this.buf[this.pos] !== 0x22) this.fail();
      const key = this.key();
      this.skipWs();
      if (this.buf[this.pos] !== 0x3a) this.fail();
      this.pos++;
      const value = this.member(key, depth, family);
      if (key === '__proto__')
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
      this.skipWs();
      const c = this.buf[this.pos];
      this.pos++;
      if (c === 0x7d) return out;
      if (c !== 0x2c) this.fail(this.pos - 1);
    }
  }

  private member(key: string, depth: number, family: number): JsonValue {
    if (key === 'flowTuples') {
      this.skipWs();
      if (this.buf[this.pos] === 0x5b) return this.hook.tuples(this, family, depth + 1);
    }
    const inner = key === 'flowRecords' || key === 'flowGroups' ? FAMILY_VNET : family;
    return this.value(depth, inner);
  }

  private array(depth: number, family: number): JsonValue[] {
    if (depth > MAX_DEPTH) this.fail();
    const out: JsonValue[] = [];
    this.pos++;
    this.skipWs();
    if (this.buf[this.pos] === 0x5d) {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth, family));
      this.skipWs();
      const c = this.buf[this.pos];
      this.pos++;
      if (c === 0x5d) return out;
      if (c !== 0x2c) this.fail(this.pos - 1);
    }
  }

  /**
   * An object key: short ASCII keys repeat in every record, so they come from a small cache
   * instead of a fresh `Buffer#toString` each time.
   */
  private key(): string {
    return this.cached(this.keys, KEY_CACHE_MAX);
  }

  /**
   * A string value. Records of one blob repeat most of theirs (ARM ids, MACs, rules, category), so
   * they come from a cache too: small records (≈ 12 tuples) spent much of their time decoding them.
   */
  private valueString(): string {
    return this.cached(this.values, VALUE_CACHE_MAX);
  }

  /** A string at `pos` through `cache` when it is ASCII, unescaped and at most `max` bytes. */
  private cached(cache: AsciiCache, max: number): string {
    const buf = this.buf;
    const start = this.pos + 1;
    const limit = Math.min(this.end, start + max + 1);
    let p = start;
    let hash = 0;
    for (; p < limit; p++) {
      const c = buf[p]!;
      if (c === 0x22 || c === 0x5c || c >= 0x80) break;
      hash = (hash * 31 + c) | 0;
    }
    if (buf[p] !== 0x22 || p - start > max) return this.string();
    this.pos = p + 1;
    return cache.get(buf, start, p, hash);
  }

  /** A string at `pos` (on its opening quote). Raw control characters are tolerated. */
  string(): string {
    const buf = this.buf;
    const start = this.pos + 1;
    let ascii = true;
    for (let p = start; p < this.end; p++) {
      const c = buf[p]!;
      if (c === 0x22) {
        this.pos = p + 1;
        return buf.toString(ascii ? 'latin1' : 'utf8', start, p);
      }
      if (c === 0x5c) return this.escapedString(start);
      if (c >= 0x80) ascii = false;
    }
    return this.fail(this.end);
  }

  private escapedString(start: number): string {
    const buf = this.buf;
    let out = '';
    let chunk = start;
    let p = start;
    while (p < this.end) {
      const c = buf[p]!;
      if (c === 0x22) {
        this.pos = p + 1;
        return out + buf.toString('utf8', chunk, p);
      }
      if (c !== 0x5c) {
        p++;
        continue;
      }
      out += buf.toString('utf8', chunk, p);
      const e = buf[p + 1];
      if (e === 0x75) {
        const hex = buf.toString('latin1', p + 2, p + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(p);
        out += String.fromCharCode(Number.parseInt(hex, 16));
        p += 6;
      } else {
        const s = e === undefined ? undefined : ESCAPES[e];
        if (s === undefined) this.fail(p);
        out += s;
        p += 2;
      }
      chunk = p;
    }
    return this.fail(this.end);
  }

  private number(): number {
    const buf = this.buf;
    const start = this.pos;
    let p = start;
    while (p < this.end) {
      const c = buf[p]!;
      // digits, '+', '-', '.', 'e', 'E'
      if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e || c === 0x65 || c === 0x45) p++;
      else break;
    }
    if (p === start) this.fail();
    const n = Number(buf.toString('latin1', start, p));
    if (!Number.isFinite(n)) this.fail(start);
    this.pos = p;
    return n;
  }

  private literal<T>(text: string, value: T): T {
    for (let k = 0; k < text.length; k++) {
      if (this.buf[this.pos + k] !== text.charCodeAt(k)) this.fail();
    }
    if (this.pos + text.length > this.end) this.fail();
    this.pos += text.length;
    return value;
  }
}
