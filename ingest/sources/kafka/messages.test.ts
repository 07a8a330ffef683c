import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/harness/fixtures.js';
import { normalize } from '../../normalizers/index.js';
import { CONNECTOR_BATCH, flattenNsgRecord, toMessages } from './messages.js';
import { chunksByBytes } from './publish.js';

describe('flow-log files as messages', () => {
  const blob = fixture('sumologic_nsg-v2_PT1H_real.json');
  const rows = (ms: Buffer[]) => ms.reduce((n, m) => n + normalize(m, { source: 't' }).columns.length, 0);

  it('keeps every tuple in every mode (file, record, connector)', () => {
    const whole = normalize(blob, { source: 't' }).columns.length;
    expect(toMessages(blob, 'file')).toEqual([blob]);
    expect(rows(toMessages(blob, 'record'))).toBe(whole);
    const connector = toMessages(blob, 'connector');
    expect(connector.length).toBe(Math.ceil(whole / CONNECTOR_BATCH));
    expect(rows(connector)).toBe(whole);
  });

  it('flattens tuples like the Microsoft connector (strings, counters only when present)', () => {
    const sample = JSON.parse(fixture('msdocs_nsg-flowlog-v2_sample.json').toString()) as {
      records: Record<string, unknown>[];
    };
    const flat = flattenNsgRecord(sample.records[0]!)!;
    expect(flat[0]).toMatchObject({
      version: 2,
      nsgRuleName: 'DefaultRule_DenyAllInBound',
      mac: '000D3AF87856',
      transportProtocol: 'U',
      flowState: 'B',
    });
    expect(flat[0]).not.toHaveProperty('bytesStoD');
    expect(flattenNsgRecord({ flowLogVersion: 4 })).toBeUndefined();
  });

  it('chunks produce requests by bytes', () => {
    const m = (n: number) => Buffer.alloc(n);
    expect(chunksByBytes([m(4), m(4), m(4), m(20), m(1)], 10).map((c) => c.map((b) => b.length))).toEqual([
      [4, 4],
      [4],
      [20],
      [1],
    ]);
  });
});
