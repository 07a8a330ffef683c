import type { FlowBatchBuilder } from '../../core/flow/builder.js';
import { Action, Direction, FlowState } from '../../core/flow/enums.js';
import type { RejectReason } from '../../core/flow/reject.js';
import { isPublicIp, writeIp } from '../../core/net/ip.js';
import { FAMILY_VNET } from './json-reader.js';
import { PublicV4 } from './public-v4.js';

const COMMA = 0x2c;
const EMPTY = -2;
const INVALID = -1;

/**
 * Scans one flow tuple straight from bytes into the builder's columns: no string, no split, no object
 * per tuple. NSG (8 fields v1, 13 fields v2): `ts,src,dst,sport,dport,T|U,I|O,A|D[,B|C|E,pkts,bytes,pkts,bytes]`.
 * VNet (13 fields): `ts,src,dst,sport,dport,proto,I|O,B|C|E|D,encryption,pkts,bytes,pkts,bytes`.
 * Timestamps of up to 11 digits are seconds, 13 digits milliseconds; counters are all empty or all set.
 * @see https://learn.microsoft.com/azure/network-watcher/nsg-flow-logs-overview#log-format
 * @see https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview#log-format
 */
export class TupleScanner {
  private buf: Uint8Array = new Uint8Array(0);
  private p = 0;
  private end = 0;
  private digits = 0;
  /** The last IPv4 read as a number; -1 after an IPv6 address. */
  private v4 = -1;
  private nx = -1;
  private x = -1;
  private readonly publicV4 = new PublicV4();
  /** After a reject: the tuple's field count (for the detail text). */
  fieldsSeen = 0;
  /** After a success: 8 or 13. */
  fields = 0;

  constructor(private readonly b: FlowBatchBuilder) {}

  /** Appends a row for the tuple in `buf[start, end)`, or returns why not (no row then). */
  scan(
    buf: Uint8Array,
    start: number,
    end: number,
    family: number,
    ctx: number,
    recordOffset: number,
    tupleIndex: number,
  ): RejectReason | null {
    this.buf = buf;
    this.p = start;
    this.end = end;
    const row = this.b.next();
    const reason = family === FAMILY_VNET ? this.vnet(row) : this.nsg(row);
    if (reason === null) {
      const c = this.b.cols;
      c.ctx[row] = ctx;
      c.recordOffset[row] = recordOffset;
      c.tupleIndex[row] = tupleIndex;
      return null;
    }
    this.b.undo();
    // A missing or extra field shifts every later field; report the count rather than the symptom.
    this.fieldsSeen = countFields(buf, start, end);
    const ok = this.fieldsSeen === 13 || (this.fieldsSeen === 8 && family !== FAMILY_VNET);
    return ok ? reason : 'tuple-field-count';
  }

  private nsg(row: number): RejectReason | null {
    const head = this.head(row);
    if (head !== null) return head;
    const c = this.b.cols;
    const decision = this.letter();
    if (decision === 0x41) c.action[row] = Action.allow;
    else if (decision === 0x44) c.action[row] = Action.deny;
    else return 'tuple-decision';
    c.encryption[row] = 0;
    if (this.p === this.end) {
      c.state[row] = FlowState.none;
      this.fields = 8;
      return this.noCounters(row);
    }
    if (!this.comma()) return 'tuple-decision';
    const state = this.letter();
    if (state === 0x42) c.state[row] = FlowState.begin;
    else if (state === 0x43) c.state[row] = FlowState.continue;
    else if (state === 0x45) c.state[row] = FlowState.end;
    else return 'tuple-decision';
    if (!this.comma()) return 'tuple-field-count';
    return this.counters(row);
  }

  private vnet(row: number): RejectReason | null {
    const head = this.head(row);
    if (head !== null) return head;
    const c = this.b.cols;
    const state = this.letter();
    c.action[row] = Action.allow;
    if (state === 0x42) c.state[row] = FlowState.begin;
    else if (state === 0x43) c.state[row] = FlowState.continue;
    else if (state === 0x45) c.state[row] = FlowState.end;
    else if (state === 0x44) {
      c.state[row] = FlowState.deny;
      c.action[row] = Action.deny;
    } else return 'tuple-decision';
    if (!this.comma()) return 'tuple-field-count';
    const enc = this.encryption();
    if (enc < 0) return 'tuple-encryption';
    c.encryption[row] = enc;
    if (!this.comma()) return 'tuple-field-count';
    return this.counters(row);
  }

  /** Fields 1–7, shared by every format, plus `remoteIsPublic`. */
  private head(row: number): RejectReason | null {
    const c = this.b.cols;
    const ts = this.uint(14);
    if (ts < 0 || !this.comma()) return 'tuple-timestamp';
    if (this.digits <= 11) c.timeMs[row] = ts * 1000;
    else if (this.digits === 13) c.timeMs[row] = ts;
    else return 'tuple-timestamp';
    const at = row * 16;
    if (!this.ip(c.srcIp, at) || !this.comma()) return 'tuple-ip';
    const srcV4 = this.v4;
    if (!this.ip(c.dstIp, at) || !this.comma()) return 'tuple-ip';
    const dstV4 = this.v4;
    const sport = this.uint(5);
    if (sport < 0 || sport > 65535 || !this.comma()) return 'tuple-port';
    const dport = this.uint(5);
    if (dport < 0 || dport > 65535 || !this.comma()) return 'tuple-port';
    c.srcPort[row] = sport;
    c.dstPort[row] = dport;
    const proto = this.protocol();
    if (proto < 0 || !this.comma()) return 'tuple-protocol';
    c.protocol[row] = proto;
    const dir = this.letter();
    if (dir !== 0x49 && dir !== 0x4f) return 'tuple-direction';
    if (!this.comma()) return 'tuple-field-count';
    const inbound = dir === 0x49;
    c.direction[row] = inbound ? Direction.inbound : Direction.outbound;
    const remote = inbound ? srcV4 : dstV4;
    const pub = remote >= 0 ? this.publicV4.isPublic(remote) : isPublicIp(inbound ? c.srcIp : c.dstIp, at);
    c.remoteIsPublic[row] = pub ? 1 : 0;
    return null;
  }

  private counters(row: number): RejectReason | null {
    const ps = this.uint(15);
    if (ps === INVALID || !this.comma()) return 'tuple-counter';
    const bs = this.uint(15);
    if (bs === INVALID || !this.comma()) return 'tuple-counter';
    const pr = this.uint(15);
    if (pr === INVALID || !this.comma()) return 'tuple-counter';
    const br = this.uint(15);
    if (br === INVALID) return 'tuple-counter';
    if (this.p !== this.end) return 'tuple-field-count';
    this.fields = 13;
    const empty =
      (ps === EMPTY ? 1 : 0) + (bs === EMPTY ? 1 : 0) + (pr === EMPTY ? 1 : 0) + (br === EMPTY ? 1 : 0);
    if (empty === 4) return this.noCounters(row);
    if (empty !== 0) return 'tuple-counter';
    const c = this.b.cols;
    c.packetsSent[row] = ps;
    c.bytesSent[row] = bs;
    c.packetsReceived[row] = pr;
    c.bytesReceived[row] = br;
    c.hasCounters[row] = 1;
    return null;
  }

  private noCounters(row: number): null {
    const c = this.b.cols;
    c.packetsSent[row] = 0;
    c.bytesSent[row] = 0;
    c.packetsReceived[row] = 0;
    c.bytesReceived[row] = 0;
    c.hasCounters[row] = 0;
    return null;
  }

  private comma(): boolean {
    if (this.p < this.end && this.buf[this.p] === COMMA) {
      this.p++;
      return true;
    }
    return false;
  }

  /** Decimal digits up to the next comma: the value, EMPTY, or INVALID (other bytes, too many digits). */
  private uint(maxDigits: number): number {
    const buf = this.buf;
    const end = this.end;
    const start = this.p;
    let p = start;
    let v = 0;
    while (p < end) {
      const d = buf[p]! - 48;
      if (d < 0 || d > 9) {
        if (d === COMMA - 48) break;
        return INVALID;
      }
      v = v * 10 + d;
      p++;
    }
    const n = p - start;
    this.p = p;
    this.digits = n;
    if (n === 0) return EMPTY;
    return n > maxDigits ? INVALID : v;
  }

  /** A one-byte field: its byte, or -1 when the field is empty or longer. */
  private letter(): number {
    const p = this.p;
    if (p >= this.end) return -1;
    if (p + 1 < this.end && this.buf[p + 1] !== COMMA) return -1;
    this.p = p + 1;
    return this.buf[p]!;
  }

  private protocol(): number {
    const ch = this.buf[this.p];
    if (ch === 0x54 || ch === 0x55) {
      const letter = this.letter();
      return letter === 0x54 ? 6 : letter === 0x55 ? 17 : -1;
    }
    const n = this.uint(3);
    return n >= 0 && n <= 255 ? n : -1;
  }

  /** IPv4 fast path (no leading zeros, like core/net/ip.ts); anything else goes through `writeIp`. */
  private ip(out: Uint8Array, at: number): boolean {
    const buf = this.buf;
    const end = this.end;
    let p = this.p;
    let v = 0;
    let octet = 0;
    let digits = 0;
    let dots = 0;
    for (; p < end; p++) {
      const ch = buf[p]!;
      if (ch >= 48 && ch <= 57) {
        // Too long for an octet or a leading zero: only IPv6 (`2001:db8::1`) can still be valid.
        if (digits === 3 || (digits > 0 && octet === 0)) return this.ip6(out, at);
        octet = octet * 10 + ch - 48;
        digits++;
      } else if (ch === 0x2e) {
        if (digits === 0 || octet > 255 || dots === 3) return false;
        v = v * 256 + octet;
        octet = 0;
        digits = 0;
        dots++;
      } else if (ch === COMMA) break;
      else return this.ip6(out, at);
    }
    if (dots !== 3 || digits === 0 || octet > 255) return false;
    v = v * 256 + octet;
    out.fill(0, at, at + 10);
    out[at + 10] = 0xff;
    out[at + 11] = 0xff;
    out[at + 12] = v >>> 24;
    out[at + 13] = (v >>> 16) & 0xff;
    out[at + 14] = (v >>> 8) & 0xff;
    out[at + 15] = v & 0xff;
    this.v4 = v;
    this.p = p;
    return true;
  }

  private ip6(out: Uint8Array, at: number): boolean {
    const q = this.fieldEnd();
    const text = latin1(this.buf, this.p, q);
    if (!text.includes(':') || !writeIp(text, out, at)) return false;
    this.v4 = -1;
    this.p = q;
    return true;
  }

  /** VNet encryption column: `X`, `NX` or `NX_*`; any `[A-Za-z0-9_]{0,40}` token is kept as logged. */
  private encryption(): number {
    const buf = this.buf;
    const p = this.p;
    const q = this.fieldEnd();
    const len = q - p;
    this.p = q;
    if (len === 2 && buf[p] === 0x4e && buf[p + 1] === 0x58) {
      if (this.nx < 0) this.nx = this.b.encryptionId('NX');
      return this.nx;
    }
    if (len === 1 && buf[p] === 0x58) {
      if (this.x < 0) this.x = this.b.encryptionId('X');
      return this.x;
    }
    if (len > 40) return -1;
    for (let k = p; k < q; k++) {
      const ch = buf[k]!;
      const ok = (ch >= 48 && ch <= 57) || (ch >= 65 && ch <= 90) || (ch >= 97 && ch <= 122) || ch === 0x5f;
      if (!ok) return -1;
    }
    return this.b.encryptionId(latin1(buf, p, q));
  }

  private fieldEnd(): number {
    let q = this.p;
    while (q < this.end && this.buf[q] !== COMMA) q++;
    return q;
  }
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let k = start; k < end; k++) s += String.fromCharCode(buf[k]!);
  return s;
}

export function countFields(buf: Uint8Array, start: number, end: number): number {
  let n = 1;
  for (let k = start; k < end; k++) if (buf[k] === COMMA) n++;
  return n;
}
