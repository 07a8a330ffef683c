import { describe, expect, it } from 'vitest';
import { AsciiCache } from './ascii-cache.js';

const hashOf = (text: string) => {
  let h = 0;
  for (let k = 0; k < text.length; k++) h = (h * 31 + text.charCodeAt(k)) | 0;
  return h;
};

describe('AsciiCache', () => {
  it('returns the same string object for equal bytes at other positions', () => {
    const cache = new AsciiCache(16);
    const buf = Buffer.from('xx"UserRule_A"yy"UserRule_A"');
    const a = cache.get(buf, 3, 13, hashOf('UserRule_A'));
    const b = cache.get(buf, 17, 27, hashOf('UserRule_A'));
    expect(a).toBe('UserRule_A');
    expect(b).toBe(a);
  });

  it('decodes the real bytes when another string holds the slot (same hash and length)', () => {
    const cache = new AsciiCache(1); // one slot: every string collides
    const buf = Buffer.from('AAAA|AAAB|AAAA');
    // A lying hash: both strings claim the same one, only the byte check tells them apart.
    expect(cache.get(buf, 0, 4, 7)).toBe('AAAA');
    expect(cache.get(buf, 5, 9, 7)).toBe('AAAB');
    expect(cache.get(buf, 10, 14, 7)).toBe('AAAA');
  });

  it('keeps cached text when the body it came from is overwritten (bytes are copied)', () => {
    const cache = new AsciiCache(4);
    const buf = Buffer.from('MAC1');
    expect(cache.get(buf, 0, 4, hashOf('MAC1'))).toBe('MAC1');
    buf.write('MAC2');
    expect(cache.get(buf, 0, 4, hashOf('MAC2'))).toBe('MAC2');
  });
});
