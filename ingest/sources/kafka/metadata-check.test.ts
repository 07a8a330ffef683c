import { describe, expect, it } from 'vitest';
import { judge } from './metadata-check.js';

describe('judge (commit metadata read back)', () => {
  const sent = { offset: 40, metadata: 'flowlens:v1:pending=42,47' };
  it('stored when the same offset comes back with the same metadata', () => {
    expect(judge(sent, { ...sent })).toBe('stored');
  });
  it('lost when the same offset comes back without it (or with something else)', () => {
    expect(judge(sent, { offset: 40, metadata: '' })).toBe('lost');
    expect(judge(sent, { offset: 40, metadata: 'flowlens:v1:pending=42' })).toBe('lost');
  });
  it('unknown when the offset moved on, nothing came back, or nothing was sent', () => {
    expect(judge(sent, { offset: 42, metadata: '' })).toBe('unknown');
    expect(judge(sent, undefined)).toBe('unknown');
    expect(judge({ offset: 40, metadata: '' }, { offset: 40, metadata: '' })).toBe('unknown');
  });
});
