/**
 * Byte-level reader for the flat records of Microsoft's NSG flow-logs connector (one tuple per
 * record, every value a string: `{"time":…,"resourceId":…,"nsgRuleName":…,"startTime":"…",…}`).
 * It records where each known field's text sits in the body instead of building an object and a
 * string per field, and rebuilds the tuple text (`ts,src,dst,…`) into a reusable byte buffer for the
 * one tuple scanner. It only accepts what it is sure about: any other key, a non-string tuple field,
 * an escape, a non-ASCII tuple byte or a syntax error makes {@link FlatConnectorReader.read} decline,
 * and the record takes the general path (json-reader + connector.ts), which has the same semantics.
 * @see https://github.com/microsoft/AzureNetworkWatcherNSGFlowLogsConnector (NwNsgProject/classes.cs)
 */

const QUOTE = 0x22;
const COMMA = 0x2c;

/** Tuple fields in tuple order: 8 head fields, the state, 4 counters (connector.ts `connectorTuple`). */
const TUPLE_KEYS = [
  'startTime',
  'sourceAddress',
  'destinationAddress',
  'sourcePort',
  'destinationPort',
  'transportProtocol',
  'deviceDirection',
  'deviceAction',
  'flowState',
  'packetsStoD',
  'bytesStoD',
  'packetsDtoS',
  'bytesDtoS',
];
const STATE = 8;
/** Context fields (slots after the tuple's). */
export const F_TIME = 13;
export const F_RESOURCE_ID = 14;
export const F_RESOURCE_ID_UPPER = 15;
export const F_RULE = 16;
export const F_MAC = 17;
export const F_MAC_ADDRESS = 18;
const SLOT_COUNT = 19;
/** The context fields as `rec.first ?? rec.second`: ARM id, rule, MAC, time (connector.ts). */
const CONTEXT_FIRST = [F_RESOURCE_ID, F_RULE, F_MAC, F_TIME];
const CONTEXT_SECOND = [F_RESOURCE_ID_UPPER, F_RULE, F_MAC_ADDRESS, F_TIME];
/** Keys whose value the connector path ignores: any string or plain number is accepted. */
const IGNORED = -1;

const KEYS = new Map<string, number>([
  ...TUPLE_KEYS.map((k, i) => [k, i] as [string, number]),
  ['time', F_TIME],
  ['resourceId', F_RESOURCE_ID],
  ['resourceID', F_RESOURCE_ID_UPPER],
  ['nsgRuleName', F_RULE],
  ['mac', F_MAC],
  ['macAddress', F_MAC_ADDRESS],
  ['version', IGNORED],
  ['category', IGNORED],
  ['operationName', IGNORED],
]);

/** Known keys in a 128-entry table by byte hash (collision-free for this set, checked below). */
const TABLE_MASK = 127;
const TABLE_KEYS: (Uint8Array | undefined)[] = new Array(TABLE_MASK + 1);
const TABLE_SLOTS = new Int8Array(TABLE_MASK + 1);

function tableIndex(h: number): number {
  return (h ^ (h >>> 9)) & TABLE_MASK;
}

for (const [key, slot] of KEYS) {
  let h = 0;
  for (let k = 0; k < key.length; k++) h = (h * 31 + key.charCodeAt(k)) | 0;
  const at = tableIndex(h);
  if (TABLE_KEYS[at]) throw new Error(`connector key hash collision: ${key}`);
  TABLE_KEYS[at] = Buffer.from(key, 'latin1');
  TABLE_SLOTS[at] = slot;
}

function isWs(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export class FlatConnectorReader {
  /** Start/end of each slot's string content in the body; start -1 = absent. */
  readonly start = new Int32Array(SLOT_COUNT);
  readonly end = new Int32Array(SLOT_COUNT);
  /** The rebuilt tuple (`tuple[0…tupleLength)`, followed by a `"` so the scanner stops there). */
  tuple: Buffer = Buffer.allocUnsafe(256);
  tupleLength = 0;
  // A Buffer from the start, like every body: one element kind keeps the loads monomorphic.
  private buf: Buffer = Buffer.alloc(0);
  private limit = -1;
  private noEscapes = false;
  /** Key table index by member index, from earlier records: records of one body share the key order. */
  private readonly order = new Int8Array(64);

  /**
   * Reads the object at `pos` as a flat connector record; returns the position after its `}`, or -1
   * when it is not one this reader accepts (nothing else is changed then except the slot tables).
   */
  read(buf: Buffer, pos: number, limit: number): number {
    if (buf !== this.buf || limit !== this.limit) this.body(buf, limit);
    this.start.fill(-1);
    if (buf[pos] !== 0x7b) return -1;
    let p = this.ws(pos + 1);
    if (buf[p] === 0x7d) return -1;
    for (let i = 0; ; i++) {
      p = this.member(this.ws(p), i);
      if (p < 0) return -1;
      p = this.ws(p);
      const c = buf[p];
      if (c === 0x7d) return this.known() ? this.rebuild(p + 1) : -1;
      if (c !== COMMA || p >= limit) return -1;
      p++;
    }
  }

  /** A connector record as record-context.ts `recordKind` sees one: a rule and startTime or sourceAddress. */
  private known(): boolean {
    return this.start[F_RULE]! >= 0 && (this.start[0]! >= 0 || this.start[1]! >= 0);
  }

  private body(buf: Buffer, limit: number): void {
    this.buf = buf;
    this.limit = limit;
    // Once per body (native memchr): without any backslash, long values need no byte-by-byte check.
    this.noEscapes = buf.subarray(0, limit).indexOf(0x5c) < 0;
    this.order.fill(-1);
  }

  private ws(p: number): number {
    while (p < this.limit && isWs(this.buf[p])) p++;
    return p;
  }

  /** `"key": value` at `p` (the record's `i`-th member); returns the position after the value or -1. */
  private member(p: number, i: number): number {
    const buf = this.buf;
    if (buf[p] !== QUOTE) return -1;
    const at = this.key(p + 1, i);
    if (at < 0) return -1;
    p = this.ws(p + 2 + TABLE_KEYS[at]!.length);
    if (buf[p] !== 0x3a) return -1;
    p = this.ws(p + 1);
    const slot = TABLE_SLOTS[at]!;
    if (buf[p] !== QUOTE) return slot === IGNORED ? this.plainNumber(p) : -1;
    const s = p + 1;
    const q = slot >= 0 && slot < F_TIME ? this.shortString(s) : this.longString(s);
    if (q < 0) return -1;
    if (slot !== IGNORED) {
      this.start[slot] = s;
      this.end[slot] = q;
    }
    return q + 1;
  }

  /**
   * The table index of the key whose text starts at `s`, or -1 for an unknown key. Records of a body
   * share their key order, so the key at the same member index of the previous record is tried first.
   */
  private key(s: number, i: number): number {
    const buf = this.buf;
    const guess = i < this.order.length ? this.order[i]! : -1;
    if (guess >= 0) {
      const known = TABLE_KEYS[guess]!;
      if (buf[s + known.length] === QUOTE && sameBytes(known, buf, s, s + known.length)) return guess;
    }
    let h = 0;
    let q = s;
    for (; q < this.limit; q++) {
      const c = buf[q]!;
      if (c === QUOTE || c === 0x5c || c >= 0x80) break;
      h = (h * 31 + c) | 0;
    }
    const at = tableIndex(h);
    const known = TABLE_KEYS[at];
    if (buf[q] !== QUOTE || !known || !sameBytes(known, buf, s, q)) return -1;
    if (i < this.order.length) this.order[i] = at;
    return at;
  }

  /** End quote of a tuple value: ASCII only (the general path would re-encode other bytes as U+FFFD). */
  private shortString(s: number): number {
    const buf = this.buf;
    for (let q = s; q < this.limit; q++) {
      const c = buf[q]!;
      if (c === QUOTE) return q;
      if (c === 0x5c || c >= 0x80) return -1;
    }
    return -1;
  }

  /** End quote of a context or ignored value (any UTF-8, no escape). */
  private longString(s: number): number {
    const buf = this.buf;
    if (this.noEscapes) {
      const q = buf.indexOf(QUOTE, s);
      return q >= 0 && q < this.limit ? q : -1;
    }
    for (let q = s; q < this.limit; q++) {
      const c = buf[q]!;
      if (c === QUOTE) return q;
      if (c === 0x5c) return -1;
    }
    return -1;
  }

  /** `-?digits(.digits)?`: what `version` holds (`2`, `2.0`); anything fancier declines. */
  private plainNumber(p: number): number {
    const buf = this.buf;
    if (buf[p] === 0x2d) p++;
    const s = p;
    while (isDigit(buf[p])) p++;
    if (p === s) return -1;
    if (buf[p] !== 0x2e) return p;
    const f = ++p;
    while (isDigit(buf[p])) p++;
    return p === f ? -1 : p;
  }

  /** Writes the tuple text like connector.ts `connectorTuple`, then returns `after`. */
  private rebuild(after: number): number {
    const { start, end } = this;
    let need = 16;
    for (let i = 0; i < TUPLE_KEYS.length; i++) if (start[i]! >= 0) need += end[i]! - start[i]! + 1;
    if (this.tuple.length < need) this.tuple = Buffer.allocUnsafe(need * 2);
    let n = 0;
    for (let i = 0; i < STATE; i++) n = this.append(i, n, i > 0, false);
    if (start[STATE]! >= 0) {
      n = this.append(STATE, n, true, false);
      let present = false;
      for (let i = STATE + 1; i < TUPLE_KEYS.length; i++)
        if (start[i]! >= 0 && end[i]! > start[i]!) present = true;
      for (let i = STATE + 1; i < TUPLE_KEYS.length; i++) n = this.append(i, n, true, present);
    }
    this.tuple[n] = QUOTE;
    this.tupleLength = n;
    return after;
  }

  /** Appends slot `i` (',' first when `comma`); an empty one becomes '0' when `zero`. */
  private append(i: number, n: number, comma: boolean, zero: boolean): number {
    const out = this.tuple;
    if (comma) out[n++] = COMMA;
    const s = this.start[i]!;
    const e = this.end[i]!;
    if (s >= 0 && e > s) {
      for (let k = s; k < e; k++) out[n++] = this.buf[k]!;
    } else if (zero) out[n++] = 0x30;
    return n;
  }

  /** Byte text of slot `a`, or of `b` when `a` is absent (`rec.a ?? rec.b`); '' when both are. */
  text(buf: Buffer, a: number, b = a): string {
    const slot = this.start[a]! >= 0 ? a : b;
    const s = this.start[slot]!;
    return s >= 0 ? buf.toString('utf8', s, this.end[slot]!) : '';
  }

  /** Whether the context fields (ARM id, rule, MAC, time) have the same bytes as in `prev`. */
  sameContext(prev: Int32Array): boolean {
    const buf = this.buf;
    for (let k = 0; k < 4; k++) {
      const slot = this.contextSlot(k);
      const s = slot < 0 ? 0 : this.start[slot]!;
      const e = slot < 0 ? 0 : this.end[slot]!;
      const ps = prev[2 * k]!;
      const pe = prev[2 * k + 1]!;
      if (e - s !== pe - ps) return false;
      if (e - s > 32) {
        // Native compare for the long ARM id.
        if (buf.compare(buf, ps, pe, s, e) !== 0) return false;
      } else for (let j = 0; j < e - s; j++) if (buf[s + j] !== buf[ps + j]) return false;
    }
    return true;
  }

  /** Saves the context fields' ranges into `prev` (for {@link sameContext} on the next record). */
  saveContext(prev: Int32Array): void {
    for (let k = 0; k < 4; k++) {
      const slot = this.contextSlot(k);
      prev[2 * k] = slot < 0 ? 0 : this.start[slot]!;
      prev[2 * k + 1] = slot < 0 ? 0 : this.end[slot]!;
    }
  }

  /** k = 0 ARM id, 1 rule, 2 MAC, 3 time: the slot that `??` picks, -1 when absent. */
  private contextSlot(k: number): number {
    const a = CONTEXT_FIRST[k]!;
    if (this.start[a]! >= 0) return a;
    const b = CONTEXT_SECOND[k]!;
    return this.start[b]! >= 0 ? b : -1;
  }
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

function sameBytes(key: Uint8Array, buf: Uint8Array, start: number, end: number): boolean {
  if (end - start !== key.length) return false;
  for (let k = 0; k < key.length; k++) if (key[k] !== buf[start + k]) return false;
  return true;
}
