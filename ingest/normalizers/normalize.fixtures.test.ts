import { describe, expect, it } from 'vitest';
import { type FlowRow, toRows } from '../../core/flow/batch.js';
import { fixture, fixtureNames } from '../../test/harness/fixtures.js';
import { countTuples } from '../../test/harness/flow-tuples.js';
import { normalize } from './index.js';

/** Golden expectations for every fixture in test/fixtures: rows, and which reject reasons appear. */
const EXPECTED: Record<string, { rows: number; rejects?: string[]; noMac?: boolean }> = {
  'azure-rest-api-specs_2024-05-01_NetworkSecurityGroupGet.json': { rows: 0, rejects: ['unknown-shape'] },
  'flowlens_connector-splunk-2018.ndjson': { rows: 0, rejects: ['unknown-shape'] },
  'flowlens_nsg-v2_bad-record-time.json': { rows: 1, rejects: ['record-time'] },
  // SDN firewall auditing names a port (portId/portName), not a MAC: the mac column stays empty.
  'flowlens_sdn-firewall-audit.json': { rows: 3, noMac: true },
  'msdocs_bandwidth-example_tuples.txt': { rows: 0, rejects: ['invalid-json', 'unknown-shape'] },
  'msdocs_flow-logs-read_blocklist_example.txt': { rows: 0, rejects: ['invalid-json', 'unknown-shape'] },
  'msdocs_nsg-flowlog-v1_read-article_block-value_empty-flows.json': { rows: 40 },
  'msdocs_nsg-flowlog-v1_sample_verbatim.json': { rows: 9, rejects: ['unknown-shape'] },
  'msdocs_nsg-flowlog-v2_sample.json': { rows: 11 },
  'msdocs_vnet-flowlog-v4_read-article_record.json': { rows: 10 },
  'msdocs_vnet-flowlog-v4_sample.json': { rows: 19 },
  'msdocs_vnet-flowlog_tutorial_record_10digit-ts_resourceId.json': { rows: 1 },
  'sumologic_nsg-v2_PT1H_real.json': { rows: 153 },
  'sumologic_vnet-v4_PT1H_target-nic_real.json': { rows: 61 },
  'sumologic_vnet-v4_PT1H_target-subnet_real.json': { rows: 68 },
  'sumologic_vnet-v4_PT1H_target-vnet_real.json': { rows: 166 },
};

function rowsOf(name: string): { rows: FlowRow[]; rejects: ReturnType<typeof normalize>['rejects'] } {
  const r = normalize(fixture(name), { source: 'test' });
  return { rows: toRows(r.columns), rejects: r.rejects };
}

describe('normalize over every fixture', () => {
  it('has an expectation for every fixture file', () => {
    expect(fixtureNames().sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, want] of Object.entries(EXPECTED)) {
    it(`${name}: ${want.rows} rows, rejects ${want.rejects?.join('/') ?? 'none'}`, () => {
      const { rows, rejects } = rowsOf(name);
      expect(rows).toHaveLength(want.rows);
      if (!want.rejects) expect(rejects).toEqual([]);
      else {
        expect(rejects.length).toBeGreaterThan(0);
        for (const r of rejects) expect(want.rejects).toContain(r.reason);
      }
      for (const row of rows) {
        expect(row.mac).toMatch(want.noMac ? /^$/ : /^[0-9A-F]{12}$/);
        expect(Date.parse(row.time)).toBeGreaterThan(Date.parse('2017-01-01'));
      }
    });
  }

  it('matches an independent JSON.parse count on every flow-log JSON fixture', () => {
    for (const [name, want] of Object.entries(EXPECTED)) {
      if (want.rejects || !/\.(json|log)$/.test(name)) continue;
      expect(countTuples(fixture(name).toString('utf8')), name).toBe(want.rows);
    }
  });
});
