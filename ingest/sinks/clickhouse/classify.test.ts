import { describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../../core/errors.js';
import { classifyInsertError, clickHouseCode } from './classify.js';

const chError = (code: string) =>
  Object.assign(new Error(`Code: ${code}. DB::Exception`), { code, type: 'X' });

describe('insert error classification', () => {
  it.each([
    ['53', PermanentError], // type mismatch: this block's data
    ['72', PermanentError], // cannot parse number: this block's data
    // Deployment mistakes fail every block: retried and never dead-lettered, so no rows are lost.
    ['62', TransientError], // syntax
    ['60', TransientError], // unknown table (migration missing)
    ['16', TransientError], // no such column
    ['497', TransientError], // access denied (grant missing)
    ['516', TransientError], // authentication failed
    ['252', TransientError], // too many parts: back off and retry
    ['241', TransientError], // memory limit
    ['159', TransientError], // timeout
    ['209', TransientError], // socket timeout
  ])('ClickHouse code %s', (code, kind) => {
    expect(classifyInsertError(chError(code))).toBeInstanceOf(kind);
  });

  it('treats socket and file-system errors as transient', () => {
    expect(classifyInsertError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBeInstanceOf(
      TransientError,
    );
    expect(classifyInsertError(new Error('ENOSPC'))).toBeInstanceOf(TransientError);
  });

  it('keeps an already classified error', () => {
    const e = new PermanentError('x');
    expect(classifyInsertError(e)).toBe(e);
  });

  it('reads numeric codes only', () => {
    expect(clickHouseCode(chError('62'))).toBe(62);
    expect(clickHouseCode({ code: 'EPIPE' })).toBeUndefined();
    expect(clickHouseCode('nope')).toBeUndefined();
  });
});
