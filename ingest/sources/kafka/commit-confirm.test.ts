import { describe, expect, it } from 'vitest';
import { CommitConfirmations } from './commit-confirm.js';

const event = (topic: string, partition: number, offset: string, metadata: string | null) => ({
  topics: [{ topic, partitions: [{ partition, offset, metadata }] }],
});

describe('CommitConfirmations', () => {
  it('confirms a commit only when the broker accepted its partition, offset and metadata', () => {
    const c = new CommitConfirmations();
    const a = c.expect('t', 0, { offset: 10, metadata: 'flowlens:v1:pending=20' });
    const b = c.expect('t', 1, { offset: 10, metadata: '' });
    c.onCommitted(event('t', 0, '10', 'flowlens:v1:pending=20,25')); // another snapshot
    c.onCommitted(event('t', 1, '10', null)); // kafkajs sends null metadata as ''
    expect(a()).toBe(false);
    expect(b()).toBe(true);
  });

  it('counts only events after the commit started, and forgets a settled check', () => {
    const c = new CommitConfirmations();
    c.onCommitted(event('t', 0, '5', ''));
    const early = c.expect('t', 0, { offset: 5, metadata: '' });
    expect(early()).toBe(false); // resolved without sending: no event since it started
    const next = c.expect('t', 0, { offset: 5, metadata: '' });
    c.onCommitted(event('t', 0, '5', ''));
    expect(next()).toBe(true);
    expect(early()).toBe(false);
  });
});
