import type { FlowBatchBuilder } from '../../core/flow/builder.js';
import { emptyContext } from '../../core/flow/context.js';
import { EXCERPT_LIMIT, excerpt, type Reject, type RejectReason } from '../../core/flow/reject.js';
import { recordTime } from './azure-ids.js';
import type { BlobNameInfo } from './blob-name.js';
import { connectorTuple, fillConnector } from './connector.js';
import {
  F_MAC,
  F_MAC_ADDRESS,
  F_RESOURCE_ID,
  F_RESOURCE_ID_UPPER,
  F_RULE,
  F_TIME,
  FlatConnectorReader,
} from './connector-flat.js';
import {
  FAMILY_NSG,
  FAMILY_VNET,
  type JsonObject,
  type JsonReader,
  type JsonValue,
  TupleRun,
  type TuplesHook,
} from './json-reader.js';
import { fillFromBlob, fillNsg, fillVnet, obj, recordKind, str } from './record-context.js';
import { TupleScanner } from './tuple-scanner.js';

const DETAILS: Partial<Record<RejectReason, string>> = {
  'tuple-timestamp': 'timestamp is not epoch seconds (≤ 11 digits) or milliseconds (13 digits)',
  'tuple-ip': 'source or destination is not an IPv4/IPv6 address',
  'tuple-port': 'port is not an integer 0–65535',
  'tuple-protocol': 'protocol is neither T/U nor a number 0–255',
  'tuple-direction': 'direction is not I/O',
  'tuple-decision': 'decision (A/D) or state (B/C/E, VNet also D) unknown',
  'tuple-counter': 'counters must be four non-negative integers or four empty fields',
  'tuple-encryption': 'encryption is not a token like X, NX or NX_*',
};

/**
 * Per-body state of one normalization: the {@link TuplesHook} that scans `flowTuples` arrays into the
 * builder, the per-record bookkeeping (index, offset, contexts, rollback mark) and the reject list.
 */
export class RecordScanner implements TuplesHook {
  readonly rejects: Reject[] = [];
  private readonly scanner: TupleScanner;
  private recordIndex = -1;
  private recordStart = 0;
  private tupleIndex = 0;
  private readonly ids: number[] = [];
  /** Rows, rejects and contexts before the current record (its rollback point). */
  private markRows = 0;
  private markRejects = 0;
  private markContexts = 0;
  /** Connector contexts by {@link connectorKey}; cleared on rollback (ids may be gone). */
  private readonly connectorContexts = new Map<string, number>();
  private readonly flat = new FlatConnectorReader();
  /** Context field ranges of the last fast-path connector record, and its context id (-1: none). */
  private readonly lastRanges = new Int32Array(8);
  private lastId = -1;
  /** The reader of the record being finished, for {@link onBadGroup}. */
  private finishing: JsonReader | null = null;
  /** Made once, not per record: a closure per record showed in small-blob profiles. */
  private readonly onBadGroup = (detail: string): void => {
    const r = this.finishing!;
    this.push('missing-field', detail, this.recordStart, -1, recordText(r.buf, this.recordStart, r.pos));
  };

  constructor(
    private readonly b: FlowBatchBuilder,
    private readonly base: number,
    private readonly blob: BlobNameInfo | null,
  ) {
    this.scanner = new TupleScanner(b);
  }

  begin(recordIndex: number, start: number): void {
    this.recordIndex = recordIndex;
    this.recordStart = start;
    this.tupleIndex = 0;
    this.ids.length = 0;
    this.markRows = this.b.length;
    this.markRejects = this.rejects.length;
    this.markContexts = this.b.contexts.length;
  }

  /** Forgets every row, reject and context of the current record (it is rejected as a whole). */
  rollback(): void {
    while (this.b.length > this.markRows) this.b.undo();
    this.rejects.length = this.markRejects;
    this.b.contexts.length = this.markContexts;
    this.connectorContexts.clear();
    this.lastId = -1;
  }

  /** Rejects the current record as a whole, covering `text`. */
  rejectRecord(reason: RejectReason, detail: string, text: string): void {
    this.rollback();
    this.push(reason, detail, this.recordStart, -1, text);
  }

  /** Classifies a parsed record and fills its contexts, or rejects it. */
  finish(rec: JsonValue, r: JsonReader): void {
    const kind = recordKind(rec);
    const o = obj(rec);
    if (kind.kind === null || !o) {
      const k = kind.kind === null ? kind : { missing: false, detail: 'record is not a JSON object' };
      this.rejectRecord(
        k.missing ? 'missing-field' : 'unknown-shape',
        k.detail,
        recordText(r.buf, this.recordStart, r.pos),
      );
      return;
    }
    if (recordTime(o.time) === null) {
      this.rejectRecord('record-time', timeDetail(o.time), recordText(r.buf, this.recordStart, r.pos));
      return;
    }
    if (kind.kind === 'connector') {
      this.connector(o);
      return;
    }
    this.finishing = r;
    if (kind.kind === 'nsg') fillNsg(o, this.b.contexts, this.ids, this.onBadGroup);
    else fillVnet(o, this.b.contexts, this.ids, this.onBadGroup);
    if (this.blob) for (const id of this.ids) fillFromBlob(this.b.contexts[id]!, this.blob);
  }

  tuples(r: JsonReader, family: number, depth: number): TupleRun {
    const run = new TupleRun();
    const buf = r.buf;
    r.pos++;
    r.skipWs();
    if (buf[r.pos] === 0x5d) {
      r.pos++;
      return run;
    }
    for (;;) {
      r.skipWs();
      const index = this.tupleIndex++;
      run.tuples++;
      if (buf[r.pos] === 0x22) this.stringTuple(r, family, run, index);
      else {
        const at = r.pos;
        r.value(depth, family);
        this.push('unknown-shape', 'tuple is not a string', at, index, buf.toString('utf8', at, r.pos));
      }
      r.skipWs();
      const c = buf[r.pos];
      r.pos++;
      if (c === 0x5d) return run;
      if (c !== 0x2c) r.fail(r.pos - 1);
    }
  }

  private stringTuple(r: JsonReader, family: number, run: TupleRun, index: number): void {
    const buf = r.buf;
    const start = r.pos + 1;
    if (run.ctx < 0) run.ctx = this.context(family);
    const offset = this.base + this.recordStart;
    const scanner = this.scanner;
    let reason = scanner.scan(buf, start, r.end, family, run.ctx, offset, index);
    const q = scanner.stop;
    if (q >= r.end) {
      if (reason === null) this.b.undo();
      r.fail(r.end); // unterminated string: the record is truncated
    }
    if (reason === null) {
      this.counted(run, q + 1, r);
      return;
    }
    let text: string;
    if (hasBackslash(buf, start, q)) {
      // An escaped tuple (never seen from Azure): decode it properly, then scan the decoded bytes.
      text = r.string();
      // A decoded quote must not end the tuple early: make it an invalid byte for the scanner.
      const bytes = Buffer.from(text.replaceAll('"', '\u0001'), 'utf8');
      reason = scanner.scan(bytes, 0, bytes.length, family, run.ctx, offset, index);
      if (reason === null) {
        this.counted(run, r.pos, r);
        return;
      }
    } else {
      text = buf.toString('utf8', start, q);
      r.pos = q + 1;
    }
    const detail =
      reason === 'tuple-field-count'
        ? `expected ${family === FAMILY_VNET ? '13' : '8 or 13'} fields, got ${scanner.fieldsSeen}`
        : (DETAILS[reason] ?? reason);
    this.push(reason, detail, start - 1, index, text);
  }

  private counted(run: TupleRun, pos: number, r: JsonReader): void {
    if (this.scanner.fields === 13) run.wide++;
    else run.narrow++;
    r.pos = pos;
  }

  /**
   * One flat connector record = one tuple. Its context (ARM id, rule, MAC, time) is shared by the
   * ~120 records of a message, so it is derived once per distinct combination.
   */
  private connector(rec: JsonObject): void {
    const id = this.connectorContext(rec);
    const tuple = Buffer.from(connectorTuple(rec), 'utf8');
    const index = this.tupleIndex++;
    const reason = this.scanner.scan(
      tuple,
      0,
      tuple.length,
      FAMILY_NSG,
      id,
      this.base + this.recordStart,
      index,
    );
    if (reason !== null) {
      this.push(reason, DETAILS[reason] ?? reason, this.recordStart, index, tuple.toString('utf8'));
    }
  }

  private connectorContext(rec: JsonObject): number {
    const key = connectorKey(rec);
    let id = this.connectorContexts.get(key);
    if (id === undefined) {
      id = this.context(FAMILY_NSG);
      fillConnector(rec, this.b.contexts[id]!);
      if (this.blob) fillFromBlob(this.b.contexts[id]!, this.blob);
      this.connectorContexts.set(key, id);
    }
    return id;
  }

  /**
   * The fast path for a flat connector record (connector-flat.ts): same rows, rejects and contexts as
   * {@link connector} without an object or string per field. True when the record at `r.pos` was one
   * and is done, with `r.pos` after it; false, with nothing changed, when it takes the general path.
   */
  flatConnector(r: JsonReader): boolean {
    const f = this.flat;
    const after = f.read(r.buf, r.pos, r.end);
    if (after < 0) return false;
    // Records of one message repeat the same context fields: compare bytes before building strings.
    const same = this.lastId >= 0 && f.sameContext(this.lastRanges);
    if (!same && recordTime(f.text(r.buf, F_TIME)) === null) {
      const time = f.text(r.buf, F_TIME);
      this.push(
        'record-time',
        timeDetail(time || undefined),
        this.recordStart,
        -1,
        recordText(r.buf, this.recordStart, after),
      );
      r.pos = after;
      return true;
    }
    const id = same ? this.lastId : this.flatContext(r.buf);
    const index = this.tupleIndex++;
    const offset = this.base + this.recordStart;
    const reason = this.scanner.scan(f.tuple, 0, f.tupleLength, FAMILY_NSG, id, offset, index);
    if (reason !== null) {
      const text = f.tuple.toString('utf8', 0, f.tupleLength);
      this.push(reason, DETAILS[reason] ?? reason, this.recordStart, index, text);
    }
    r.pos = after;
    return true;
  }

  private flatContext(buf: Buffer): number {
    const f = this.flat;
    const id = this.connectorContext({
      resourceId: f.text(buf, F_RESOURCE_ID, F_RESOURCE_ID_UPPER),
      nsgRuleName: f.text(buf, F_RULE),
      mac: f.text(buf, F_MAC, F_MAC_ADDRESS),
      time: f.text(buf, F_TIME),
    });
    f.saveContext(this.lastRanges);
    this.lastId = id;
    return id;
  }

  private context(family: number): number {
    const id = this.b.addContext(emptyContext(family === FAMILY_VNET ? 'vnet' : 'nsg-v2'));
    this.ids.push(id);
    return id;
  }

  /** Appends a reject; `at` is relative to the body. */
  push(reason: RejectReason, detail: string, at: number, tupleIndex: number, text: string): void {
    this.rejects.push({
      reason,
      detail,
      offset: this.base + at,
      recordIndex: this.recordIndex,
      tupleIndex,
      excerpt: excerpt(text),
    });
  }
}

/** The start of a record as excerpt text (decoding at most twice the excerpt limit). */
export function recordText(buf: Buffer, start: number, end: number): string {
  return buf.toString('utf8', start, Math.min(end, start + EXCERPT_LIMIT * 2));
}

function timeDetail(time: JsonValue | undefined): string {
  if (time === undefined || time === '') return 'record has no time';
  return `record time ${JSON.stringify(time).slice(0, 80)} is neither ISO 8601 nor YYYYMMDD:LHHMMSSmmm`;
}

function connectorKey(rec: JsonObject): string {
  return `${str(rec.resourceId ?? rec.resourceID)}\u0000${str(rec.nsgRuleName)}\u0000${str(rec.mac ?? rec.macAddress)}\u0000${str(rec.time)}`;
}

function hasBackslash(buf: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (buf[k] === 0x5c) return true;
  return false;
}
