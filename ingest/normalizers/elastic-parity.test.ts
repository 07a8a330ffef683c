import { describe, expect, it } from 'vitest';
import { type FlowRow, toRows } from '../../core/flow/batch.js';
import { fixture } from '../../test/harness/fixtures.js';
import { normalize } from './index.js';

/**
 * Field-by-field parity with Elastic's ingest pipelines for the same inputs (elastic/integrations
 * `azure_network_watcher_nsg` / `azure_network_watcher_vnet` pipeline tests).
 */

interface ElasticTuple {
  timestamp: string;
  source: { ip: string; port: number };
  destination: { ip: string; port: number };
  protocol: string;
  packets?: { sent?: number; received?: number };
  bytes?: { sent?: number; received?: number };
  flow_state?: string;
  traffic?: { decision: string; flow: string };
  flow?: { direction: string; state: string; encryption: string };
}

interface Expected {
  tuple: ElasticTuple;
  rule: string;
  mac: string;
  time: string;
}

const STATES: Record<string, FlowRow['state']> = {
  Begin: 'begin',
  Continuing: 'continue',
  End: 'end',
  Deny: 'deny',
  Denied: 'deny',
};
const PROTOCOLS: Record<string, number> = { TCP: 6, UDP: 17 };

function expectedNsg(): Expected[] {
  const doc = JSON.parse(fixture('elastic_nsg_pipeline-test_test-nsg.log-expected.json').toString('utf8'));
  return doc.expected.flatMap(
    (e: {
      azure_network_watcher_nsg: {
        log: {
          time: string;
          properties: { flows: { rule: string; flows: { mac: string; tuples: ElasticTuple[] }[] }[] };
        };
      };
    }) => {
      const log = e.azure_network_watcher_nsg.log;
      return log.properties.flows.flatMap((f) =>
        f.flows.flatMap((m) =>
          m.tuples.map((tuple) => ({ tuple, rule: f.rule, mac: m.mac, time: log.time })),
        ),
      );
    },
  );
}

function expectedVnet(): Expected[] {
  const doc = JSON.parse(fixture('elastic_vnet_pipeline-test_test-vnet.log-expected.json').toString('utf8'));
  return doc.expected.flatMap(
    (e: {
      azure_network_watcher_vnet: {
        log: {
          time: string;
          mac_address: string;
          records: { flows: { groups: { rule: string; tuples: ElasticTuple[] }[] }[] };
        };
      };
    }) => {
      const log = e.azure_network_watcher_vnet.log;
      return log.records.flows.flatMap((f) =>
        f.groups.flatMap((g) =>
          g.tuples.map((tuple) => ({ tuple, rule: g.rule, mac: log.mac_address, time: log.time })),
        ),
      );
    },
  );
}

function compare(row: FlowRow, want: Expected): void {
  const t = want.tuple;
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
  expect(row.packetsSent).toBe(t.packets?.sent ?? 0);
  expect(row.packetsReceived).toBe(t.packets?.received ?? 0);
  expect(row.bytesSent).toBe(t.bytes?.sent ?? 0);
  expect(row.bytesReceived).toBe(t.bytes?.received ?? 0);
  expect(row.rule).toBe(want.rule);
  expect(row.mac).toBe(want.mac.replace(/-/g, '').toUpperCase());
}

describe('parity with Elastic pipeline tests', () => {
  it.each([
    ['NSG', 'elastic_nsg_pipeline-test_test-nsg.log', expectedNsg],
    ['VNet', 'elastic_vnet_pipeline-test_test-vnet.log', expectedVnet],
  ] as const)('%s: every expected tuple matches field by field', (_label, input, expected) => {
    const r = normalize(fixture(input), { source: 'elastic' });
    expect(r.rejects).toEqual([]);
    const rows = toRows(r.columns);
    const want = expected();
    expect(want.length).toBeGreaterThan(0);
    expect(rows).toHaveLength(want.length);
    for (const [i, row] of rows.entries()) compare(row, want[i]!);
  });
});
