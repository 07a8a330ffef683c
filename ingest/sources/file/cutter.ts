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
   * record that ended inside it, or -1 when none did.
   */
  scan(buf: Uint8Array, from: number, to: number): number {
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    const target = this.recordDepth;
    let last = -1;
    for (let i = from; i < to; i++) {
      const c = buf[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) inString = false;
      } else if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === target) last = i + 1;
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    return last;
  }
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
