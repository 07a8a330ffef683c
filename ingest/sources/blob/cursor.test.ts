import { describe, expect, it } from 'vitest';
import { type BlobCursor, type CommittedBlock, confirmPlan, planRead, previousSum } from './cursor.js';

const opts = { maxRangeBytes: 1_000_000 };
const head: CommittedBlock = { id: 'A', size: 12 };
const tail: CommittedBlock = { id: 'Z', size: 2 };
const data = (n: number, size = 100): CommittedBlock[] =>
  Array.from({ length: n }, (_, i) => ({ id: `D${i}`, size }));
const list = (n: number, size = 100) => [head, ...data(n, size), tail];

/** Plans, then confirms as if every range were durable. */
function step(prev: BlobCursor | undefined, blocks: CommittedBlock[], etag = `e${blocks.length}`) {
  const plan = planRead(prev, blocks, etag, 0, opts);
  if (plan.kind === 'none') return { plan, cursor: plan.cursor };
  return { plan, cursor: confirmPlan(plan.cursor) };
}

describe('planRead', () => {
  it('reads nothing from a blob with only head and tail', () => {
    expect(planRead(undefined, [head, tail], 'e', 14, opts).kind).toBe('none');
  });

  it('reads the data blocks of a new blob, excluding head and tail', () => {
    const plan = planRead(undefined, list(3), 'e', 0, opts);
    expect(plan.kind === 'read' && plan.ranges).toEqual([{ start: 12, end: 312 }]);
  });

  it('reads only the blocks appended since the cursor', () => {
    let { cursor } = step(undefined, list(3));
    const plan = planRead(cursor, list(5), 'e5', 0, opts);
    expect(plan.kind === 'read' && plan.ranges).toEqual([{ start: 312, end: 512 }]);
    cursor = step(cursor, list(5)).cursor;
    expect(cursor).toMatchObject({ offset: 512, blocks: 6, cuts: [312, 512] });
    expect(planRead(cursor, list(5), 'e5b', 0, opts).kind).toBe('none');
  });

  it('replays exactly the pending ranges after a crash, even when more blocks arrived', () => {
    const { cursor } = step(undefined, list(2));
    const first = planRead(cursor, list(4), 'e4', 0, opts);
    expect(first.kind).toBe('read');
    // crash: the pending plan was persisted, never confirmed
    const restored = first.kind === 'read' ? first.cursor : cursor;
    const replay = planRead(restored, list(7), 'e7', 0, opts);
    expect(replay.kind === 'read' && replay.ranges).toEqual([{ start: 212, end: 412 }]);
    const after = confirmPlan(replay.kind === 'read' ? replay.cursor : restored!);
    // The replay must not claim the newer ETag: the blocks after the plan are still unread.
    expect(after.etag).toBe('e4');
    const next = planRead(after, list(7), 'e7', 0, opts);
    expect(next.kind === 'read' && next.ranges).toEqual([{ start: 412, end: 712 }]);
  });

  it('re-reads from the head at the earlier cuts when the block list no longer extends the cursor', () => {
    let { cursor } = step(undefined, list(2));
    cursor = step(cursor, list(3)).cursor;
    cursor = step(cursor, list(5)).cursor; // cuts 212, 312, 512
    const rewritten = [head, ...data(4), tail].map((b) => (b.id === 'D0' ? { ...b, id: 'X0' } : b));
    const plan = planRead(cursor, rewritten, 'new', 0, opts);
    expect(plan.kind === 'read' && plan.reset).toBe(true);
    expect(plan.kind === 'read' && plan.ranges).toEqual([
      { start: 12, end: 212 },
      { start: 212, end: 312 },
      { start: 312, end: 412 },
    ]);
  });

  it('treats a shrunk blob as changed', () => {
    let { cursor } = step(undefined, list(5));
    const plan = planRead(cursor, list(2), 'shrunk', 0, opts);
    expect(plan.kind === 'read' && plan.ranges).toEqual([{ start: 12, end: 212 }]);
    cursor = confirmPlan(plan.kind === 'read' ? plan.cursor : cursor!);
    // The old end stays known (without a digest: its range no longer starts where it did).
    expect(cursor.cuts).toEqual([212, 512]);
    expect(cursor.sums).toEqual(['', '']);
  });

  it('cuts large reads on block boundaries', () => {
    const plan = planRead(undefined, list(10), 'e', 0, { maxRangeBytes: 350 });
    expect(plan.kind === 'read' && plan.ranges.map((r) => r.end)).toEqual([312, 612, 912, 1012]);
  });

  it('reads a blob without the append layout whole, once per ETag', () => {
    const whole = [{ id: 'B0', size: 5000 }];
    const plan = planRead(undefined, whole, 'w1', 5000, opts);
    expect(plan.kind === 'read' && plan.ranges).toEqual([{ start: 0, end: 5000 }]);
    const cursor = confirmPlan(plan.kind === 'read' ? plan.cursor : (undefined as never));
    expect(planRead(cursor, whole, 'w1', 5000, opts).kind).toBe('none');
    expect(planRead(cursor, [], 'w2', 6000, opts).kind).toBe('read');
  });
});

describe('a blob rewritten with the same bytes, re-read over several polls', () => {
  it('cuts at the old places even when the rewrite arrives block by block', () => {
    // Ingested minute by minute: cuts 112, 212, 312.
    let cursor = step(undefined, list(1)).cursor;
    cursor = step(cursor, list(2)).cursor;
    cursor = step(cursor, list(3)).cursor;
    expect(cursor?.cuts).toEqual([112, 212, 312]);
    const rewritten = (n: number) => [head, ...data(n).map((b) => ({ ...b, id: `R${b.id}` })), tail];
    // The first poll after the rewrite sees one block, the next sees the other two at once.
    const first = planRead(cursor, rewritten(1), 'r1', 0, opts);
    expect(first.kind === 'read' && first.ranges).toEqual([{ start: 12, end: 112 }]);
    cursor = confirmPlan(first.kind === 'read' ? first.cursor : cursor!);
    const second = planRead(cursor, rewritten(3), 'r3', 0, opts);
    expect(second.kind === 'read' && second.reset).toBe(false);
    expect(second.kind === 'read' && second.ranges).toEqual([
      { start: 112, end: 212 },
      { start: 212, end: 312 },
    ]);
  });

  it('keeps the digests of the old ranges ahead, so changed bytes there are told apart', () => {
    const readWith = (prev: BlobCursor | undefined, blocks: CommittedBlock[], sum: string) => {
      const plan = planRead(prev, blocks, sum, 0, opts);
      if (plan.kind !== 'read') throw new Error('expected a read');
      return confirmPlan(plan.cursor, [sum]);
    };
    let cursor = readWith(undefined, list(1), 's1');
    cursor = readWith(cursor, list(2), 's2');
    cursor = readWith(cursor, list(3), 's3');
    cursor = readWith(cursor, [head, { id: 'X', size: 100 }, tail], 's1');
    expect(cursor.cuts).toEqual([112, 212, 312]);
    expect(previousSum(cursor, 112, 212)).toBe('s2');
    expect(previousSum(cursor, 212, 312)).toBe('s3');
  });
});

describe('range digests', () => {
  it('remembers the digest of every range so a reset can tell same bytes from new bytes', () => {
    const first = planRead(undefined, list(2), 'e1', 0, opts);
    if (first.kind !== 'read') throw new Error('expected a read');
    let cursor = confirmPlan(first.cursor, ['s1']);
    const second = planRead(cursor, list(3), 'e2', 0, opts);
    if (second.kind !== 'read') throw new Error('expected a read');
    cursor = confirmPlan(second.cursor, ['s2']);
    expect(cursor.sums).toEqual(['s1', 's2']);
    expect(previousSum(cursor, 12, 212)).toBe('s1');
    expect(previousSum(cursor, 212, 312)).toBe('s2');
    expect(previousSum(cursor, 12, 312)).toBeUndefined();
  });
});
