/**
 * Finds top-level record boundaries in a JSON byte stream, chunk by chunk, without parsing it: a
 * string-aware bracket-depth scanner whose state (depth, inside a string, after a backslash) carries
 * across chunk edges, so a record, a string or an escape split between two reads is handled.
 *
 * Records sit at a fixed depth that depends on the file's shape ({@link detectLayout}):
 * Azure blobs `{"records":[ r, r ]}` → depth 2; a JSON array `[ r, r ]` → depth 1; NDJSON or a
 * single record → depth 0. Bodies cut at these boundaries are the shapes the normalizer accepts
 * (a byte range of blocks with a leading comma, NDJSON lines).
 * @see https://learn.microsoft.com/azure/network-watcher/flow-logs-read#read-block-blobs
 */
export class RecordCutter {
  private depth: number;
  private inString = false;
  private escaped = false;

  constructor(readonly recordDepth: number) {
    this.depth = recordDepth;
  }

  /**
   * Scans `buf[from, to)` continuing the previous state and returns the offset just past the last
   * record that ended inside it, or -1 when none did. String contents (most of a flow log: the
   * tuples) are skipped with the native `indexOf` rather than byte by byte.
   */
  scan(buf: Buffer, from: number, to: number): number {
    let depth = this.depth;
    const target = this.recordDepth;
    let last = -1;
    let i = from;
    if (this.inString) {
      i = this.stringEnd(buf, i, to);
      if (i < 0) return -1;
      this.inString = false;
      i++;
    }
    for (; i < to; i++) {
      const c = buf[i]!;
      if (c === 0x22) {
        const end = this.stringEnd(buf, i + 1, to);
        if (end < 0) {
          this.inString = true;
          break;
        }
        i = end;
      } else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === target) last = i + 1;
      }
    }
    this.depth = depth;
    return last;
  }

  /**
   * Offset of the quote closing the string whose content starts at `start`, or -1 when the string
   * runs past `to` (then {@link escaped} records whether `to` falls right after a lone backslash).
   */
  private stringEnd(buf: Buffer, start: number, to: number): number {
    let p = start;
    if (this.escaped) {
      if (p >= to) return -1;
      this.escaped = false;
      p++;
    }
    for (;;) {
      const q = p < to ? buf.indexOf(0x22, p) : -1;
      if (q < 0 || q >= to) {
        this.escaped = backslashRun(buf, p, to) % 2 === 1;
        return -1;
      }
      if (backslashRun(buf, p, q) % 2 === 0) return q;
      p = q + 1;
    }
  }
}

/** Number of consecutive backslashes ending just before `end` (not looking before `start`). */
function backslashRun(buf: Buffer, start: number, end: number): number {
  let n = 0;
  for (let k = end - 1; k >= start && buf[k] === 0x5c; k--) n++;
  return n;
}

export interface Layout {
  /** Depth at which records sit (see {@link RecordCutter}). */
  recordDepth: number;
  /** Offset of the first byte after the container head (`{"records":[` or `[`), 0 when none. */
  bodyStart: number;
}

const WRAPPED = /^\uFEFF?\s*\{\s*"records"\s*:\s*\[/;
const ARRAY = /^\uFEFF?\s*\[/;

/** Decides the record depth from the first bytes of a file (a few hundred are plenty). */
export function detectLayout(head: Buffer): Layout {
  const text = head.subarray(0, 512).toString('utf8');
  const wrapped = WRAPPED.exec(text);
  if (wrapped) return { recordDepth: 2, bodyStart: Buffer.byteLength(wrapped[0]) };
  const array = ARRAY.exec(text);
  if (array) return { recordDepth: 1, bodyStart: Buffer.byteLength(array[0]) };
  return { recordDepth: 0, bodyStart: 0 };
}

/** True when a remainder holds no record: only whitespace, separators and closing brackets. */
export function isTail(bytes: Uint8Array): boolean {
  for (const c of bytes) {
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09 && c !== 0x2c && c !== 0x5d && c !== 0x7d) {
      return false;
    }
  }
  return true;
}
