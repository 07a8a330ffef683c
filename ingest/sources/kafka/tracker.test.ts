import { describe, expect, it } from 'vitest';
import { decodePending } from './ranges.js';
import {
  type CommitSnapshot,
  MAX_PENDING_METADATA_BYTES,
  PartitionTracker,
  SnapshotCommitter,
} from './tracker.js';

describe('PartitionTracker', () => {
  it('records ranges before they are written and advances only over a finished prefix', () => {
    const t = new PartitionTracker(-1);
    expect(t.open(10, 20)).toEqual({ offset: 10, metadata: 'flowlens:v1:pending=20' });
    expect(t.open(20, 25)).toEqual({ offset: 10, metadata: 'flowlens:v1:pending=20,25' });
    expect(t.complete(20, 25)).toEqual({ offset: 10, metadata: 'flowlens:v1:pending=20,25' });
    expect(t.inFlight).toBe(1);
    expect(t.complete(10, 20)).toEqual({ offset: 25, metadata: '' });
  });

  it('says whether one more recorded range keeps the metadata within the Event Hubs cap', () => {
    const base = 1_000_000_000_000_000; // 16 digits: 17 bytes an entry after the 20-byte prefix
    const t = new PartitionTracker(base);
    for (let i = 0; i < 59; i++) t.open(base + i, base + i + 1);
    expect(Buffer.byteLength(t.snapshot().metadata)).toBeLessThanOrEqual(MAX_PENDING_METADATA_BYTES);
    expect(t.fits(base + 59, base + 60)).toBe(false);
    expect(t.fits(base + 3, base + 4)).toBe(true); // already recorded: re-opening adds nothing
    t.complete(base, base + 1);
    expect(t.fits(base + 59, base + 60)).toBe(true);
    expect(new PartitionTracker(-1).fits(0, 10 ** 15)).toBe(true);
  });

  it('takes over recorded ranges and does not record them twice', () => {
    const t = new PartitionTracker(40, [42, 47]);
    expect(t.open(40, 42)).toEqual({ offset: 40, metadata: 'flowlens:v1:pending=42,47' });
    const s = t.complete(40, 42);
    expect(s.offset).toBe(42);
    expect(decodePending(s.metadata, s.offset)).toEqual([47]);
  });
});

describe('SnapshotCommitter', () => {
  it('sends in order, coalesces a burst to the newest, and reports failures', async () => {
    const sent: number[] = [];
    let release: () => void = () => undefined;
    let fail = false;
    const c = new SnapshotCommitter(async (s: CommitSnapshot) => {
      if (s.offset === 1) await new Promise<void>((r) => (release = r));
      if (fail) throw new Error('broker said no');
      sent.push(s.offset);
    });
    const first = c.commit({ offset: 1, metadata: '' });
    const second = c.commit({ offset: 2, metadata: '' });
    const third = c.commit({ offset: 3, metadata: '' });
    release();
    await Promise.all([first, second, third]);
    expect(sent).toEqual([1, 3]);
    fail = true;
    await expect(c.commit({ offset: 4, metadata: '' })).rejects.toThrow('broker said no');
  });
});
