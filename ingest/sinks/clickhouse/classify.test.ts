import { describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../../core/errors.js';
import { classifyInsertError, clickHouseCode } from './classify.js';

const chError = (code: string) =>
  Object.assign(new Error(`Code: ${code}. DB::Exception`), { code, type: 'X' });

describe('insert error classification', () => {
  it.each([
    ['62', PermanentError], // syntax
    ['53', PermanentError], // type mismatch
    ['60', PermanentError], // unknown table
    ['16', PermanentError], // no such column
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
