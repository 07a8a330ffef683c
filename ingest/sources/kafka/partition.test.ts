import { describe, expect, it } from 'vitest';
import type { SourceBatch } from '../../contracts.js';
import { InFlightBudget } from './flow-control.js';
import { PartitionWork } from './partition.js';
import { decodePending } from './ranges.js';
import { type CommitSnapshot, MAX_PENDING_METADATA_BYTES } from './tracker.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('PartitionWork pending-metadata cap', () => {
  it('holds back a range whose record would exceed the metadata cap until an earlier one is durable', async () => {
    // 16-digit offsets: every pending entry costs 17 bytes, so 59 fit in 1024 bytes; 70 one-message ranges wait.
    const base = 1_000_000_000_000_000;
    const commits: CommitSnapshot[] = [];
    const emitted: SourceBatch[] = [];
    const work = new PartitionWork(
      {
        key: 't/0',
        limits: { maxMessages: 1, maxBytes: 1 << 20 },
        lingerMs: 60_000,
        minBytesAtEnd: 0,
        budget: new InFlightBudget(1 << 30, 1000),
        commit: async (s) => {
          commits.push(s);
        },
        emit: (b) => emitted.push(b),
        fail: (err) => {
          throw err;
        },
      },
      base,
      [],
    );
    const messages = Array.from({ length: 70 }, (_, i) => ({
      offset: base + i,
      value: Buffer.from('x'),
      flags: 0,
    }));
    const handedOut = work.add(messages);
    for (let i = 0; i < 50; i++) await tick();
    expect(emitted).toHaveLength(59);
    const longest = Math.max(...commits.map((c) => Buffer.byteLength(c.metadata)));
    expect(longest).toBeLessThanOrEqual(MAX_PENDING_METADATA_BYTES);
    expect(longest).toBeGreaterThan(MAX_PENDING_METADATA_BYTES - 17);

    await emitted[0]!.ack(); // the first range is durable: the committed offset moves, one entry leaves
    for (let i = 0; i < 20; i++) await tick();
    expect(emitted).toHaveLength(60);
    for (const b of emitted.slice(1)) await b.ack();
    await handedOut;
    expect(emitted).toHaveLength(70);
    for (const b of emitted.slice(60)) await b.ack();
    const last = commits[commits.length - 1]!;
    expect(last).toEqual({ offset: base + 70, metadata: '' });
    expect(decodePending(commits[58]!.metadata, commits[58]!.offset)).toHaveLength(59);
    work.dispose();
  });
});
