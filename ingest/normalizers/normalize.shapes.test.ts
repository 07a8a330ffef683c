import { describe, expect, it } from 'vitest';
import { toRows } from '../../core/flow/batch.js';
import { CONNECTOR_RECORD } from '../../test/harness/fixture-facts.js';
import { fixture } from '../../test/harness/fixtures.js';
import { normalize } from './index.js';

const run = (body: string | Buffer, baseOffset?: number) =>
  normalize(
    typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
    baseOffset === undefined ? { source: 't' } : { source: 't', baseOffset },
  );

const tuple = (n: number) => `1542110379,10.0.0.1,10.0.0.2,${1000 + n},443,T,O,A,E,1,2,3,4`;
const nsgRecord = (tuples: string[], extra = '') =>
  `{"time":"2018-11-13T12:00:35.3899262Z"${extra},"resourceId":"/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/N","properties":{"Version":2,"flows":[{"rule":"UserRule_a","flows":[{"mac":"000D3AF87856","flowTuples":${JSON.stringify(tuples)}}]}]}}`;

/** Record boundaries of the real NSG blob (compact, records start with `{"time":`). */
function realRecords(): { body: Buffer; starts: number[]; ends: number[] } {
  const body = fixture('sumologic_nsg-v2_PT1H_real.json');
  const text = body.toString('latin1');
  const starts: number[] = [];
  for (let at = text.indexOf('{"time":'); at >= 0; at = text.indexOf('{"time":', at + 1)) starts.push(at);
  const ends = starts.map((_, i) => (i + 1 < starts.length ? starts[i + 1]! - 1 : text.length - 2));
  return { body, starts, ends };
}

describe('input shapes', () => {
  it('a block range (leading comma, \\r\\n separators, no head/tail) gives the same rows at the same absolute offsets', () => {
    const { body, starts, ends } = realRecords();
    const whole = toRows(run(body).columns);
    const from = starts[3]! - 1; // the comma before record 4, as a block would start
    const range = Buffer.concat([
      body.subarray(from, ends[4]!),
      Buffer.from('\r\n'),
      body.subarray(ends[4]!, ends[6]!),
    ]);
    const part = run(range, from);
    expect(part.rejects).toEqual([]);
    expect(part.records).toBe(4);
    const rows = toRows(part.columns);
    expect(rows[0]!.recordOffset).toBe(starts[3]);
    const wholeSlice = whole.filter((r) => r.recordOffset >= starts[3]! && r.recordOffset < starts[4]!);
    expect(rows.filter((r) => r.recordOffset === starts[3])).toEqual(wholeSlice);
  });

  it('NDJSON, a top-level array, one record, and several wrappers in a row', () => {
    const a = nsgRecord([tuple(1), tuple(2)]);
    const b = nsgRecord([tuple(3)]);
    expect(run(`${a}\n${b}\n`).columns.length).toBe(3);
    expect(run(`[${a},${b}]`).columns.length).toBe(3);
    expect(run(a).columns.length).toBe(2);
    expect(run(`{"records":[${a}]}\n{"records":[${b}]}`).columns.length).toBe(3);
    expect(run(`\ufeff{"records":[\r\n${a}\r\n,${b}]}`).columns.length).toBe(3);
    expect(run(`{ "records" :\t[ ${a} ] }`).columns.length).toBe(2);
  });

  it('keeps byte-identical duplicate records (dedup is by position)', () => {
    const a = nsgRecord([tuple(1)]);
    const rows = toRows(run(`{"records":[${a},${a}]}`).columns);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.recordOffset).not.toBe(rows[1]!.recordOffset);
  });

  it('a broken record in the middle is one reject; its neighbours survive', () => {
    const good = nsgRecord([tuple(1)]);
    const broken = nsgRecord([tuple(2)]).replace('"Version":2', '"Version" 2');
    const r = run(`{"records":[${good},${broken},${good}]}`);
    expect(r.columns.length).toBe(2);
    expect(r.rejects).toHaveLength(1);
    expect(r.rejects[0]).toMatchObject({ reason: 'invalid-json', recordIndex: 1, tupleIndex: -1 });
    expect(r.records).toBe(3);
  });

  it('a truncated NDJSON line is rejected and the next line still parses', () => {
    const a = nsgRecord([tuple(1)]);
    const r = run(`${a.slice(0, 120)}\n${a}\n`);
    expect(r.columns.length).toBe(1);
    expect(r.rejects.map((x) => x.reason)).toEqual(['invalid-json']);
  });

  it('decodes escaped tuples and strings; rejects a tuple with an escaped quote, with the decoded excerpt', () => {
    const escaped = '"\\u0031542110379,10.0.0.1,10.0.0.2,1,2,T,O,A"';
    const quoted = '"1542110379,10.0.0.1,10.0.0.2,1,2,T,O,A\\""';
    const rec = nsgRecord([])
      .replace('"flowTuples":[]', `"flowTuples":[${escaped},${quoted}]`)
      .replace('UserRule_a', 'UserRule_\\u00e9t\\u00e9 caf\u00e9');
    const r = run(rec);
    const rows = toRows(r.columns);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.rule).toBe('UserRule_été café');
    expect(r.rejects).toHaveLength(1);
    expect(r.rejects[0]).toMatchObject({
      reason: 'tuple-decision',
      tupleIndex: 1,
      excerpt: '1542110379,10.0.0.1,10.0.0.2,1,2,T,O,A"',
    });
  });

  it('rejects non-string tuples, non-array flowTuples and records without flows, keeping the rest', () => {
    const r = run(nsgRecord([]).replace('"flowTuples":[]', `"flowTuples":[42,"${tuple(1)}"]`));
    expect(toRows(r.columns).map((x) => x.tupleIndex)).toEqual([1]);
    expect(r.rejects[0]).toMatchObject({ reason: 'unknown-shape', tupleIndex: 0, excerpt: '42' });
    const notArray = run(nsgRecord([]).replace('"flowTuples":[]', '"flowTuples":"x"'));
    expect(notArray.rejects.map((x) => x.reason)).toEqual(['missing-field']);
    const noFlows = run('{"time":"2018-11-13T12:00:35Z","properties":{"Version":2}}');
    expect(noFlows.rejects.map((x) => x.reason)).toEqual(['missing-field']);
    expect(run('{"records":[]}')).toMatchObject({ records: 0, rejects: [] });
    expect(run('')).toMatchObject({ records: 0, rejects: [] });
  });

  it('empty flows lists and empty tuple arrays are fine', () => {
    const rec = nsgRecord([]).replace('"flows":[{"mac"', '"flows":[]},{"rule":"x","flows":[{"mac"');
    const r = run(rec);
    expect(r.rejects).toEqual([]);
    expect(r.columns.length).toBe(0);
  });

  it('survives hostile JSON: __proto__ keys, deep nesting, huge numbers, garbage between records', () => {
    const proto = run(nsgRecord([tuple(1)], ',"__proto__":{"polluted":true}'));
    expect(proto.columns.length).toBe(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const deep = run(`{"a":${'['.repeat(100_000)}`);
    expect(deep.rejects.map((x) => x.reason)).toEqual(['invalid-json']);
    expect(run('['.repeat(100_000))).toMatchObject({ records: 0, rejects: [] });
    const nested = run(`{"a":${'{"flowTuples":['.repeat(20_000)}`);
    expect(nested.rejects).toHaveLength(1);
    expect(nested.rejects[0]!.detail).toMatch(/^invalid JSON/);
    expect(run('{"x":1e999}').rejects[0]!.reason).toBe('invalid-json');
    const noisy = run(`garbage ${nsgRecord([tuple(1)])} more garbage\n${nsgRecord([tuple(2)])}`);
    expect(noisy.columns.length).toBe(2);
    expect(noisy.rejects.every((x) => x.reason === 'invalid-json')).toBe(true);
  });

  it('accepts upper/lower key variants and tolerates a flat connector v1 record', () => {
    const v1 = `{"records":[{"time":"2021-09-10T20:02:30Z","resourceId":"/SUBSCRIPTIONS/S/RESOURCEGROUPS/R/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/N","version":1.0,"nsgRuleName":"UserRule_x","mac":"00-0d-3a-3c-ec-ed","startTime":"1631304101","sourceAddress":"172.16.0.9","destinationAddress":"172.16.0.11","sourcePort":"61914","destinationPort":"80","transportProtocol":"U","deviceDirection":"O","deviceAction":"D"}]}`;
    const [row] = toRows(run(v1).columns);
    expect(row).toMatchObject({
      format: 'connector',
      state: 'none',
      protocol: 17,
      action: 'deny',
      mac: '000D3A3CECED',
    });
    const counters = v1.replace(
      '"deviceAction":"D"',
      '"deviceAction":"A","flowState":"E","packetsStoD":"3","bytesStoD":"300"',
    );
    expect(toRows(run(counters).columns)[0]).toMatchObject({
      state: 'end',
      packetsSent: 3,
      bytesSent: 300,
      packetsReceived: 0,
      hasCounters: true,
    });
  });
  it('connector records of one message share a context per (resource, rule, MAC, time)', () => {
    const base = { ...CONNECTOR_RECORD };
    const records = [
      base,
      { ...base, sourcePort: '1' },
      { ...base, nsgRuleName: 'UserRule_other' },
      { ...base, sourcePort: 'x' },
    ];
    const r = run(JSON.stringify({ records }));
    expect(r.columns.length).toBe(3);
    expect(r.rejects.map((j) => [j.reason, j.recordIndex, j.tupleIndex])).toEqual([['tuple-port', 3, 0]]);
    expect(r.columns.contexts).toHaveLength(2);
    expect(toRows(r.columns).map((x) => x.ruleName)).toEqual([
      'AllowVnetInBound',
      'AllowVnetInBound',
      'other',
    ]);
  });
});
