import { FAMILY_NSG, JsonReader, JsonSyntaxError } from './json-reader.js';
import { type RecordScanner, recordText } from './record-scan.js';

const LF = 0x0a;
const COMMA = 0x2c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;

/**
 * Walks a body as a stream of records, whatever its shape (docs/reference/flow-logs.md "Parser checklist"): a whole
 * `{"records":[…]}` blob, a block range (`,{rec}\r\n,{rec}` without head or tail), NDJSON, one record,
 * a top-level array, or several of these in a row. Commas, whitespace, `[`/`]` and stray `}` separate
 * records; `{"records":[` opens a wrapper only at the top level, so a wrapper nested inside a records
 * array (Microsoft's broken v1 sample) is one rejected record.
 */
export class RecordStream {
  records = 0;
  private depth = 0;
  private readonly reader: JsonReader;

  constructor(
    private readonly buf: Buffer,
    private readonly scan: RecordScanner,
  ) {
    this.reader = new JsonReader(buf, buf.length, scan);
  }

  run(): void {
    const buf = this.buf;
    const r = this.reader;
    if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) r.pos = 3;
    for (;;) {
      this.skipSeparators();
      if (r.pos >= r.end) return;
      const c = buf[r.pos];
      if (c === OPEN_ARR) this.depth++;
      else if (c === CLOSE_ARR) this.depth = Math.max(0, this.depth - 1);
      else if (c !== CLOSE_OBJ) {
        if (c === OPEN_OBJ && this.depth === 0 && this.wrapper()) continue;
        this.record();
        continue;
      }
      r.pos++;
    }
  }

  private skipSeparators(): void {
    const r = this.reader;
    for (;;) {
      r.skipWs();
      if (this.buf[r.pos] !== COMMA) return;
      r.pos++;
    }
  }

  /** At `{`: when it opens `{"records":[`, steps inside and returns true. */
  private wrapper(): boolean {
    const r = this.reader;
    const start = r.pos;
    r.pos++;
    r.skipWs();
    let ok = this.literal('"records"');
    if (ok) {
      r.skipWs();
      ok = this.literal(':');
      r.skipWs();
      ok = ok && this.literal('[');
    }
    if (ok) this.depth++;
    else r.pos = start;
    return ok;
  }

  private literal(text: string): boolean {
    const r = this.reader;
    for (let k = 0; k < text.length; k++) if (this.buf[r.pos + k] !== text.charCodeAt(k)) return false;
    r.pos += text.length;
    return true;
  }

  private record(): void {
    const r = this.reader;
    const start = r.pos;
    this.scan.begin(this.records++, start);
    try {
      if (this.scan.flatConnector(r)) return;
      const value = r.value(0, FAMILY_NSG);
      this.scan.finish(value, r);
    } catch (err) {
      const resume = skipBadRecord(this.buf, start);
      const detail =
        err instanceof JsonSyntaxError ? `invalid JSON at body byte ${err.position}` : `parser error: ${err}`;
      this.scan.rejectRecord('invalid-json', detail, recordText(this.buf, start, resume));
      r.pos = resume;
    }
  }
}

/**
 * Where to resume after a record that failed to parse: after its matching bracket (string-aware), or at
 * a line that starts a new record (`\n{` or `\n,{`, the NDJSON and Azure block separators), or, when
 * the bad bytes are not an object at all, at the next `{`/`[` or line end. Always advances at least one byte.
 */
export function skipBadRecord(buf: Uint8Array, start: number): number {
  const end = buf.length;
  let depth = 0;
  let inString = false;
  for (let p = start; p < end; p++) {
    const c = buf[p]!;
    if (c === LF && p > start && startsRecord(buf, p + 1)) return p + 1;
    if (inString) {
      if (c === 0x5c) p++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (depth === 0 && p > start && (c === OPEN_OBJ || c === OPEN_ARR)) return p;
    if (depth === 0 && c === LF) return p + 1;
    if (c === 0x22) inString = true;
    else if (c === OPEN_OBJ || c === OPEN_ARR) depth++;
    else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
      depth--;
      if (depth <= 0) return p + 1;
    }
  }
  return end;
}

function startsRecord(buf: Uint8Array, p: number): boolean {
  const c = buf[p];
  return c === OPEN_OBJ || (c === COMMA && buf[p + 1] === OPEN_OBJ);
}
