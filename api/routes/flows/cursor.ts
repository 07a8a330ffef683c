import { chTime, timeMs } from '../../../core/clickhouse/time.js';
import { ApiError } from '../../errors.js';

/**
 * Keyset position of the last row of a page: time, then the row's source position (source,
 * record offset, tuple index), which is unique per stored tuple. Opaque base64url JSON to clients.
 */
export interface FlowCursor {
  time: string;
  source: string;
  offset: number;
  tuple: number;
}

export function encodeCursor(c: FlowCursor): string {
  return Buffer.from(JSON.stringify([c.time, c.source, c.offset, c.tuple])).toString('base64url');
}

export function decodeCursor(text: string): FlowCursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      v.length === 4 &&
      typeof v[0] === 'string' &&
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,3})?$/.test(v[0]) &&
      validTime(v[0]) &&
      typeof v[1] === 'string' &&
      Number.isSafeInteger(v[2]) &&
      (v[2] as number) >= 0 &&
      Number.isSafeInteger(v[3]) &&
      (v[3] as number) >= 0 &&
      (v[3] as number) <= 0xffffffff
    ) {
      return { time: v[0], source: v[1], offset: v[2] as number, tuple: v[3] as number };
    }
  } catch {
    // fall through
  }
  throw new ApiError(
    400,
    'invalid_request',
    'cursor is not valid (pass nextCursor unchanged: a time and non-negative offsets)',
  );
}

/** A real calendar instant in ClickHouse's range (the regex alone admits month 99). */
function validTime(text: string): boolean {
  const ms = timeMs(text);
  return (
    !Number.isNaN(ms) &&
    ms >= 0 &&
    ms <= Date.UTC(2299, 11, 31) &&
    chTime(ms).slice(0, 19) === text.slice(0, 19)
  );
}
