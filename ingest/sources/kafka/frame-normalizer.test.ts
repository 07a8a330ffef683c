import { describe, expect, it } from 'vitest';
import { FlowBatchBuilder } from '../../../core/flow/builder.js';
import { emptyContext } from '../../../core/flow/context.js';
import type { Normalizer } from '../../contracts.js';
import { decodeFrame, encodeFrame, FLAG_NULL, FLAG_TOO_LARGE, isKafkaFrame } from './frame.js';
import { withKafkaFrames } from './frame-normalizer.js';

// A stand-in for the real normalizer, to pin down the wrapper's own behaviour: `{"rows":k,"enc":"x"}`
// becomes k rows, other JSON an unknown-shape reject, non-JSON an invalid-json reject, "boom" throws.
const stub: Normalizer = (body, meta) => {
  const text = body.toString('utf8');
  if (text === 'boom') throw new Error('bug');
  let v: { rows?: number; enc?: string };
  try {
    v = JSON.parse(text);
  } catch {
    return {
      columns: new FlowBatchBuilder().finish(),
      rejects: [
        {
          reason: 'invalid-json',
          detail: 'bad',
          offset: meta.baseOffset ?? 0,
          recordIndex: 0,
          tupleIndex: -1,
          excerpt: text,
        },
      ],
      records: 1,
    };
  }
  const b = new FlowBatchBuilder();
  const ctx = b.addContext({ ...emptyContext('nsg-v2'), nsg: `nsg${v.rows}` });
  for (let i = 0; i < (v.rows ?? 0); i++) {
    const r = b.next();
    b.cols.ctx[r] = ctx;
    b.cols.dstPort[r] = 1000 + i;
    b.cols.recordOffset[r] = meta.baseOffset ?? 0;
    b.cols.encryption[r] = b.encryptionId(v.enc ?? '');
  }
  return { columns: b.finish(), rejects: [], records: 1 };
};

describe('Kafka frames', () => {
  it('round-trips messages, including null and empty values', () => {
    const body = encodeFrame('flows/3', [
      { offset: 7, value: Buffer.from('{"a":1}'), flags: 0 },
      { offset: 8, value: Buffer.alloc(0), flags: FLAG_NULL },
      { offset: 2 ** 40, value: Buffer.from('x'), flags: 0 },
    ]);
    expect(isKafkaFrame(body)).toBe(true);
    expect(isKafkaFrame(Buffer.from('{"records":[]}'))).toBe(false);
    const f = decodeFrame(body);
    expect(f.key).toBe('flows/3');
    expect(f.messages.map((m) => [m.offset, m.value.toString(), m.flags])).toEqual([
      [7, '{"a":1}', 0],
      [8, '', FLAG_NULL],
      [2 ** 40, 'x', 0],
    ]);
    expect(() => decodeFrame(body.subarray(0, body.length - 1))).toThrow(RangeError);
  });
});

describe('withKafkaFrames', () => {
  const normalize = withKafkaFrames(stub);

  it('passes non-framed bodies to the base normalizer unchanged', () => {
    expect(normalize(Buffer.from('{"rows":2}'), { source: 's' }).columns.length).toBe(2);
  });

  it('normalizes each message, merges rows, and turns poison messages into rejects with topic/partition@offset', () => {
    const body = encodeFrame('flows/1', [
      { offset: 10, value: Buffer.from('{"rows":2,"enc":"NX"}'), flags: 0 },
      { offset: 11, value: Buffer.from('not json'), flags: 0 },
      { offset: 12, value: Buffer.from('boom'), flags: 0 },
      { offset: 13, value: Buffer.alloc(0), flags: FLAG_NULL },
      { offset: 14, value: Buffer.from('{"rows"'), flags: FLAG_TOO_LARGE },
      { offset: 15, value: Buffer.from('{"rows":3,"enc":"E"}'), flags: 0 },
    ]);
    const r = normalize(body, { source: 'kafka:flows' });
    expect(r.columns.length).toBe(5);
    expect(Array.from(r.columns.dstPort)).toEqual([1000, 1001, 1000, 1001, 1002]);
    expect(r.columns.contexts.map((c) => c.nsg)).toEqual(['nsg2', 'nsg3']);
    expect(Array.from(r.columns.ctx)).toEqual([0, 0, 1, 1, 1]);
    expect(Array.from(r.columns.encryption).map((e) => r.columns.encryptions[e])).toEqual([
      'NX',
      'NX',
      'E',
      'E',
      'E',
    ]);
    expect(r.rejects.map((x) => [x.reason, x.offset, x.detail.split(':')[0]])).toEqual([
      ['invalid-json', 11, 'flows/1@11'],
      ['unknown-shape', 12, 'flows/1@12'],
      ['invalid-json', 13, 'flows/1@13'],
      ['message-too-large', 14, 'flows/1@14'],
    ]);
    expect(r.records).toBe(6);
    // Record offsets stay distinct across messages: each message's base is its place in the frame.
    expect(r.columns.recordOffset[0]).not.toBe(r.columns.recordOffset[2]);
  });

  it('rejects a corrupt frame as a whole instead of throwing', () => {
    const body = encodeFrame('t/0', [{ offset: 1, value: Buffer.from('{"rows":1}'), flags: 0 }]);
    const r = normalize(body.subarray(0, body.length - 3), { source: 's' });
    expect(r.columns.length).toBe(0);
    expect(r.rejects[0]?.reason).toBe('unknown-shape');
  });
});
