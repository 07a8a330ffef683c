import { describe, expect, it } from 'vitest';
import { type FlowRow, toRows } from '../../core/flow/batch.js';
import { ELASTIC_PARITY_CASES, type ElasticParityCase } from '../../test/harness/fixture-facts.js';
import { normalize } from './index.js';

/**
 * Field-by-field parity with Elastic's ingest pipelines for the same inputs (elastic/integrations
 * `azure_network_watcher_nsg` / `azure_network_watcher_vnet` pipeline tests). Elastic's files are
 * not redistributed (Elastic License 2.0); their input values and expected outputs are kept as
 * facts in test/harness/fixture-facts.ts.
 */

const STATES: Record<string, FlowRow['state']> = {
  Begin: 'begin',
  Continuing: 'continue',
  End: 'end',
  Deny: 'deny',
  Denied: 'deny',
};
const PROTOCOLS: Record<string, number> = { TCP: 6, UDP: 17 };

function compare(row: FlowRow, want: ElasticParityCase, i: number): void {
  const t = want.tuples[i]!;
  expect(row.time).toBe(t.timestamp);
  expect(row.recordTime).toBe(want.time);
  expect(row.srcIp).toBe(t.source.ip);
  expect(row.srcPort).toBe(t.source.port);
  expect(row.dstIp).toBe(t.destination.ip);
  expect(row.dstPort).toBe(t.destination.port);
  expect(row.protocol).toBe(PROTOCOLS[t.protocol] ?? Number(t.protocol));
  const direction = t.traffic?.flow ?? t.flow?.direction;
  expect(row.direction).toBe(direction?.toLowerCase());
  if (t.traffic) expect(row.action).toBe(t.traffic.decision === 'Allowed' ? 'allow' : 'deny');
  expect(row.state).toBe(STATES[t.flow_state ?? t.flow?.state ?? '']);
  if (t.flow) expect(row.encryption).toBe(t.flow.encryption);
  expect(row.packetsSent).toBe(t.packets.sent);
  expect(row.packetsReceived).toBe(t.packets.received);
  expect(row.bytesSent).toBe(t.bytes.sent);
  expect(row.bytesReceived).toBe(t.bytes.received);
  expect(row.rule).toBe(want.rule);
  expect(row.mac).toBe(want.mac.replace(/-/g, '').toUpperCase());
}

describe('parity with Elastic pipeline tests', () => {
  it.each(ELASTIC_PARITY_CASES.map((c) => [c.label, c] as const))(
    '%s: every expected tuple matches field by field',
    (_label, want) => {
      // Elastic's pipeline input is one record per line (NDJSON).
      const r = normalize(Buffer.from(`${JSON.stringify(want.record)}\n`), { source: 'elastic' });
      expect(r.rejects).toEqual([]);
      const rows = toRows(r.columns);
      expect(want.tuples.length).toBeGreaterThan(0);
      expect(rows).toHaveLength(want.tuples.length);
      for (const [i, row] of rows.entries()) compare(row, want, i);
    },
  );
});
