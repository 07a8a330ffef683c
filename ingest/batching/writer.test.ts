import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/logging.js';
import { sampleColumns } from '../../test/harness/flow-columns.js';
import type { FlowSink, SourceBatch, WriteResult } from '../contracts.js';
import { DEFAULT_COALESCE } from './plan.js';
import type { BatchingSupport, SinkMember } from './types.js';
import { Coalescer } from './writer.js';

/** A sink whose writes resolve only when the test says so, in the order they were started. */
function gatedSink() {
  const started: { key: string; done: () => void }[] = [];
  const prepared: string[] = [];
  const gate = { open: false };
  const sink: FlowSink = {
    write: (columns, _rejects, position) =>
      new Promise<WriteResult>((resolve) => {
        const done = () => resolve({ rows: columns.length, rejects: 0 });
        started.push({ key: position.key, done });
        if (gate.open) done();
      }),
    close: async () => undefined,
  };
  const support: BatchingSupport = {
    limits: { ...DEFAULT_COALESCE, maxRows: 10 },
    ledger: { record: async () => undefined, markWritten: async () => undefined, lookup: async () => [] },
    memberToken: (p) => `${p.kind}:${p.key}:${p.start}-${p.end}`,
    writeBatch: async (members) => members.map((m) => ({ rows: m.columns.length, rejects: 0 })),
    prepare: (m: SinkMember) => prepared.push(m.position.key),
  };
  return { sink, support, started, prepared, gate };
}

const batch = (key: string): SourceBatch => ({
  body: Buffer.from('{}'),
  position: { kind: 'file', key, start: 0, end: 2 },
  ack: async () => undefined,
});
const result = (rows: number) => ({ columns: sampleColumns(rows), rejects: [], records: 1 });
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('coalescer backpressure and large ranges', () => {
  it('is ready again once the oldest write is done, not only when every queued write is', async () => {
    const { sink, support, started } = gatedSink();
    const acked: string[] = [];
    const c = new Coalescer({
      sink,
      support,
      logger: silentLogger(),
      onAcked: (m) => acked.push(m.batch.position.key),
    });
    c.submit(batch('a'), result(12));
    c.submit(batch('b'), result(12));
    let ready = false;
    void c.ready().then(() => (ready = true));
    await settle();
    expect(ready).toBe(false); // two writes queued
    started[0]!.done();
    await settle();
    // b's write runs now; the next range may be handed over (and prepared) meanwhile.
    expect(started.map((s) => s.key)).toEqual(['a', 'b']);
    expect(ready).toBe(true);
    expect(acked).toEqual(['a']);
    started[1]!.done();
    await c.drain(true);
    expect(acked).toEqual(['a', 'b']);
  });

  it('lets the sink prepare a range written alone before its turn, and only such ranges', async () => {
    const { sink, support, started, prepared, gate } = gatedSink();
    const c = new Coalescer({ sink, support, logger: silentLogger(), onAcked: () => undefined });
    c.submit(batch('big-1'), result(10));
    c.submit(batch('big-2'), result(10));
    c.submit(batch('small'), result(3));
    expect(prepared).toEqual(['big-1', 'big-2']);
    await settle();
    expect(started.map((s) => s.key)).toEqual(['big-1']);
    gate.open = true;
    for (const s of started) s.done();
    await c.drain(true);
    expect(started.map((s) => s.key)).toEqual(['big-1', 'big-2', 'small']);
  });
});
