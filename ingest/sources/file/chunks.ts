import { open } from 'node:fs/promises';
import { detectLayout, isTail, RecordCutter } from './cutter.js';

export interface FileChunk {
  /** Absolute byte range of `body` in the file. */
  start: number;
  end: number;
  body: Buffer;
}

export interface ChunkOptions {
  /** Target body size; a file no bigger than this is one body, read as is. */
  chunkBytes: number;
  /** A body grows past `chunkBytes` only to finish a record, up to this cap (then it is cut as is). */
  maxBodyBytes: number;
}

/**
 * Streams a file as bodies cut at record boundaries, holding at most about one body in memory:
 * each read appends `chunkBytes` to the carried-over partial record, the scanner finds the last
 * record end, the complete part is yielded and the rest carried. Offsets are absolute and depend
 * only on the bytes and `chunkBytes`, so re-reading a file yields the same ranges (and tokens).
 */
export async function* fileChunks(
  path: string,
  size: number,
  options: ChunkOptions,
): AsyncGenerator<FileChunk> {
  const handle = await open(path, 'r');
  try {
    if (size === 0) return;
    if (size <= options.chunkBytes) {
      const body = Buffer.allocUnsafe(size);
      await readFully(handle, body, 0, size, 0);
      yield { start: 0, end: size, body };
      return;
    }
    const head = Buffer.alloc(Math.min(size, 512));
    await readFully(handle, head, 0, head.length, 0);
    const layout = detectLayout(head);
    yield* cut(handle, size, layout.bodyStart, new RecordCutter(layout.recordDepth), options);
  } finally {
    await handle.close();
  }
}

type Handle = Awaited<ReturnType<typeof open>>;

async function* cut(
  handle: Handle,
  size: number,
  bodyStart: number,
  cutter: RecordCutter,
  options: ChunkOptions,
): AsyncGenerator<FileChunk> {
  let carry = Buffer.alloc(0);
  let start = bodyStart; // file offset of carry[0]
  let readPos = bodyStart;
  while (readPos < size) {
    const n = Math.min(options.chunkBytes, size - readPos);
    const buf = Buffer.allocUnsafe(carry.length + n);
    carry.copy(buf, 0);
    await readFully(handle, buf, carry.length, n, readPos);
    readPos += n;
    const finished = readPos >= size;
    let end = cutter.scan(buf, carry.length, buf.length);
    if (end < 0) {
      if (!finished && buf.length < options.maxBodyBytes) {
        carry = buf; // no record ended yet: read on
        continue;
      }
      end = buf.length; // an unterminated or oversized record: cut as is, the normalizer rejects it
    }
    const body = buf.subarray(0, end);
    if (!isTail(body)) yield { start, end: start + end, body };
    start += end;
    // Copy the remainder so the yielded body does not pin this whole read buffer for longer.
    carry = Buffer.from(buf.subarray(end));
    if (finished && carry.length > 0 && !isTail(carry)) {
      yield { start, end: start + carry.length, body: carry };
    }
  }
}

async function readFully(handle: Handle, buf: Buffer, offset: number, length: number, position: number) {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buf, offset + done, length - done, position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at ${position + done}`);
    done += bytesRead;
  }
}
