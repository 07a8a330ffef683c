import type { FlowBatchBuilder } from '../../core/flow/builder.js';
import { Action, Direction, FlowState } from '../../core/flow/enums.js';
import type { RejectReason } from '../../core/flow/reject.js';
import { isPublicIp } from '../../core/net/ip.js';
import { PublicV4 } from './public-v4.js';
import { countFields, encryptionToken, fieldEnd, ip6Field } from './tuple-fields.js';

const COMMA = 0x2c;
const QUOTE = 0x22;
// Local copies: imported bindings read per tuple showed up in profiles (module getters under tsx).
const ALLOW: number = Action.allow;
const DENY: number = Action.deny;
const INBOUND: number = Direction.inbound;
const OUTBOUND: number = Direction.outbound;
const S_NONE: number = FlowState.none;
const S_BEGIN: number = FlowState.begin;
const S_CONTINUE: number = FlowState.continue;
const S_END: number = FlowState.end;
const S_DENY: number = FlowState.deny;
/** Same value as json-reader's FAMILY_VNET. */
const VNET = 1;

/** Negative results of the field parsers: `REASONS[-code - 1]`. */
const REASONS: readonly RejectReason[] = [
  'tuple-timestamp',
  'tuple-ip',
  'tuple-port',
  'tuple-protocol',
  'tuple-direction',
  'tuple-decision',
  'tuple-counter',
  'tuple-encryption',
  'tuple-field-count',
];
const E_TS = -1;
const E_IP = -2;
const E_PORT = -3;
const E_PROTO = -4;
const E_DIR = -5;
const E_DECISION = -6;
const E_COUNTER = -7;
const E_ENCRYPTION = -8;
const E_FIELDS = -9;

type Cols = FlowBatchBuilder['cols'];

/**
 * Scans one flow tuple straight from bytes into the builder's columns: no string, no split, no object
 * per tuple. NSG (8 fields v1, 13 fields v2): `ts,src,dst,sport,dport,T|U,I|O,A|D[,B|C|E,pkts,bytes,pkts,bytes]`.
 * VNet (13 fields): `ts,src,dst,sport,dport,proto,I|O,B|C|E|D,encryption,pkts,bytes,pkts,bytes`.
 * Timestamps of up to 11 digits are seconds, 13 digits milliseconds; counters are all empty or all set.
 * The tuple ends at the first `"` or at `limit`, so the caller never searches for the closing quote.
 *
 * This is the hot loop of ingestion (docs/reference/performance-facts.md §3.1): fields are parsed with a local cursor
 * (`p`, passed and returned; negative = reject code) rather than object state, which is why the
 * functions here are longer than the project's usual size.
 * @see https://learn.microsoft.com/azure/network-watcher/nsg-flow-logs-overview#log-format
 * @see https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview#log-format
 */
export class TupleScanner {
  /** After a reject: the tuple's field count (for the detail text). */
  fieldsSeen = 0;
  /** After a success: 8 or 13. */
  fields = 0;
  /** Where the last scan stopped: the closing quote (or `limit`). */
  stop = 0;
  private limit = 0;
  /** Side results of {@link digits} and {@link ip}. */
  private num = 0;
  private v4 = -1;
  private nx = -1;
  private readonly publicV4 = new PublicV4();

  constructor(private readonly b: FlowBatchBuilder) {}

  /** Appends a row for the tuple at `buf[start…]`, or returns why not (no row then). */
  scan(
    buf: Uint8Array,
    start: number,
    limit: number,
    family: number,
    ctx: number,
    recordOffset: number,
    tupleIndex: number,
  ): RejectReason | null {
    this.limit = limit;
    const row = this.b.next();
    const c = this.b.cols;
    const p = family === VNET ? this.vnet(buf, start, row, c) : this.nsg(buf, start, row, c);
    if (p >= 0) {
      c.ctx[row] = ctx;
      c.recordOffset[row] = recordOffset;
      c.tupleIndex[row] = tupleIndex;
      this.stop = p;
      return null;
    }
    this.b.undo();
    let q = start;
    while (q < limit && buf[q] !== QUOTE) q++;
    this.stop = q;
    // A missing or extra field shifts every later field; report the count rather than the symptom.
    this.fieldsSeen = countFields(buf, start, q);
    const ok = this.fieldsSeen === 13 || (this.fieldsSeen === 8 && family !== VNET);
    return ok ? REASONS[-p - 1]! : 'tuple-field-count';
  }

  private nsg(buf: Uint8Array, start: number, row: number, c: Cols): number {
    let p = this.head(buf, start, row, c);
    if (p < 0) return p;
    const decision = buf[p];
    if (decision === 0x41) c.action[row] = ALLOW;
    else if (decision === 0x44) c.action[row] = DENY;
    else return E_DECISION;
    c.encryption[row] = 0;
    const next = buf[++p];
    if (next === QUOTE || p >= this.limit) {
      c.state[row] = S_NONE;
      this.fields = 8;
      return noCounters(row, c, p);
    }
    if (next !== COMMA) return E_DECISION;
    const state = buf[++p];
    if (state === 0x42) c.state[row] = S_BEGIN;
    else if (state === 0x43) c.state[row] = S_CONTINUE;
    else if (state === 0x45) c.state[row] = S_END;
    else return E_DECISION;
    if (buf[++p] !== COMMA) return E_DECISION;
    return this.counters(buf, p + 1, row, c);
  }

  private vnet(buf: Uint8Array, start: number, row: number, c: Cols): number {
    let p = this.head(buf, start, row, c);
    if (p < 0) return p;
    const state = buf[p];
    c.action[row] = ALLOW;
    if (state === 0x42) c.state[row] = S_BEGIN;
    else if (state === 0x43) c.state[row] = S_CONTINUE;
    else if (state === 0x45) c.state[row] = S_END;
    else if (state === 0x44) {
      c.state[row] = S_DENY;
      c.action[row] = DENY;
    } else return E_DECISION;
    if (buf[++p] !== COMMA) return E_DECISION;
    p++;
    // Encryption: `NX` in practice; `X` and `NX_*` through the slower check.
    if (buf[p] === 0x4e && buf[p + 1] === 0x58 && buf[p + 2] === COMMA) {
      if (this.nx < 0) this.nx = this.b.encryptionId('NX');
      c.encryption[row] = this.nx;
      p += 2;
    } else {
      p = this.encryption(buf, p, row, c);
      if (p < 0) return p;
    }
    if (buf[p] !== COMMA) return E_FIELDS;
    return this.counters(buf, p + 1, row, c);
  }

  /** Fields 1–7, shared by every format, plus `remoteIsPublic`; returns the position after field 7's comma. */
  private head(buf: Uint8Array, start: number, row: number, c: Cols): number {
    let p = this.digits(buf, start);
    const n = p - start;
    if (buf[p] !== COMMA || n === 0) return E_TS;
    if (n <= 11) c.timeMs[row] = this.num * 1000;
    else if (n === 13) c.timeMs[row] = this.num;
    else return E_TS;
    const at = row << 4;
    p = this.ip(buf, p + 1, c.srcIp, at);
    if (p < 0 || buf[p] !== COMMA) return E_IP;
    const srcV4 = this.v4;
    p = this.ip(buf, p + 1, c.dstIp, at);
    if (p < 0 || buf[p] !== COMMA) return E_IP;
    const dstV4 = this.v4;
    let s = p + 1;
    p = this.digits(buf, s);
    if (buf[p] !== COMMA || p === s || p - s > 5 || this.num > 65535) return E_PORT;
    c.srcPort[row] = this.num;
    s = p + 1;
    p = this.digits(buf, s);
    if (buf[p] !== COMMA || p === s || p - s > 5 || this.num > 65535) return E_PORT;
    c.dstPort[row] = this.num;
    p++;
    const proto = buf[p];
    if (proto === 0x54 || proto === 0x55) {
      c.protocol[row] = proto === 0x54 ? 6 : 17;
      p++;
    } else {
      s = p;
      p = this.digits(buf, s);
      if (p === s || p - s > 3 || this.num > 255) return E_PROTO;
      c.protocol[row] = this.num;
    }
    if (buf[p] !== COMMA) return E_PROTO;
    const dir = buf[p + 1];
    if ((dir !== 0x49 && dir !== 0x4f) || buf[p + 2] !== COMMA) return E_DIR;
    const inbound = dir === 0x49;
    c.direction[row] = inbound ? INBOUND : OUTBOUND;
    const remote = inbound ? srcV4 : dstV4;
    const pub = remote >= 0 ? this.publicV4.isPublic(remote) : isPublicIp(inbound ? c.srcIp : c.dstIp, at);
    c.remoteIsPublic[row] = pub ? 1 : 0;
    return p + 3;
  }

  /** Four counters, all set or all empty; the last one ends the tuple. */
  private counters(buf: Uint8Array, start: number, row: number, c: Cols): number {
    let empty = 0;
    let s = start;
    let p = this.digits(buf, s);
    if (buf[p] !== COMMA || p - s > 15) return E_COUNTER;
    if (p === s) empty++;
    c.packetsSent[row] = this.num;
    s = p + 1;
    p = this.digits(buf, s);
    if (buf[p] !== COMMA || p - s > 15) return E_COUNTER;
    if (p === s) empty++;
    c.bytesSent[row] = this.num;
    s = p + 1;
    p = this.digits(buf, s);
    if (buf[p] !== COMMA || p - s > 15) return E_COUNTER;
    if (p === s) empty++;
    c.packetsReceived[row] = this.num;
    s = p + 1;
    p = this.digits(buf, s);
    const end = buf[p];
    if (end !== QUOTE && p < this.limit) return end === COMMA ? E_FIELDS : E_COUNTER;
    if (p - s > 15) return E_COUNTER;
    if (p === s) empty++;
    c.bytesReceived[row] = this.num;
    this.fields = 13;
    if (empty === 0) {
      c.hasCounters[row] = 1;
      return p;
    }
    return empty === 4 ? noCounters(row, c, p) : E_COUNTER;
  }

  /** Decimal digits from `p`: the value goes to `num`; returns the first non-digit position. */
  private digits(buf: Uint8Array, p: number): number {
    let v = 0;
    let ch = buf[p]!;
    while (ch >= 48 && ch <= 57) {
      v = v * 10 + (ch - 48);
      ch = buf[++p]!;
    }
    this.num = v;
    return p;
  }

  /**
   * IPv4 fast path (no leading zeros, like core/net/ip.ts); anything else goes through `writeIp`.
   * Bytes 0–9 of a reserved row are already zero (fresh arrays; `undo()` clears them), so only the
   * `ffff` marker and the four octets are written. Returns the position after the address or -1.
   */
  private ip(buf: Uint8Array, start: number, out: Uint8Array, at: number): number {
    let p = start;
    let v = 0;
    for (let k = 0; k < 4; k++) {
      if (k > 0) {
        if (buf[p] !== 0x2e) return this.ip6(buf, start, out, at);
        p++;
      }
      const s = p;
      let octet = 0;
      let ch = buf[p]!;
      while (ch >= 48 && ch <= 57) {
        octet = octet * 10 + (ch - 48);
        ch = buf[++p]!;
      }
      const n = p - s;
      if (n === 0 || n > 3 || octet > 255 || (n > 1 && buf[s] === 48)) return this.ip6(buf, start, out, at);
      out[at + 12 + k] = octet;
      v = (v << 8) | octet;
    }
    const next = buf[p];
    if (next !== COMMA && next !== QUOTE && p < this.limit) return this.ip6(buf, start, out, at);
    out[at + 10] = 0xff;
    out[at + 11] = 0xff;
    this.v4 = v >>> 0;
    return p;
  }

  private ip6(buf: Uint8Array, start: number, out: Uint8Array, at: number): number {
    this.v4 = -1;
    return ip6Field(buf, start, this.limit, out, at);
  }

  /** VNet encryption column beyond the plain `NX` fast path. */
  private encryption(buf: Uint8Array, p: number, row: number, c: Cols): number {
    const q = fieldEnd(buf, p, this.limit);
    const token = encryptionToken(buf, p, q);
    if (token === null) return E_ENCRYPTION;
    if (token === 'NX') {
      if (this.nx < 0) this.nx = this.b.encryptionId('NX');
      c.encryption[row] = this.nx;
    } else c.encryption[row] = this.b.encryptionId(token);
    return q;
  }
}

function noCounters(row: number, c: Cols, p: number): number {
  c.packetsSent[row] = 0;
  c.bytesSent[row] = 0;
  c.packetsReceived[row] = 0;
  c.bytesReceived[row] = 0;
  c.hasCounters[row] = 0;
  return p;
}
