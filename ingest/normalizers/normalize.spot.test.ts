import { describe, expect, it } from 'vitest';
import { type FlowRow, toRows } from '../../core/flow/batch.js';
import { connectorMessageBody } from '../../test/harness/fixture-facts.js';
import { fixture } from '../../test/harness/fixtures.js';
import { normalize } from './index.js';

function rows(body: Buffer | string, blobName?: string): FlowRow[] {
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  const r = normalize(buf, blobName ? { source: 't', blobName } : { source: 't' });
  expect(r.rejects).toEqual([]);
  return toRows(r.columns);
}

function bandwidthLines(tag: string): string[] {
  const text = fixture('msdocs_bandwidth-example_tuples.txt').toString('utf8');
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`# [${tag}]`));
  const out: string[] = [];
  for (const l of lines.slice(at + 1)) {
    if (l.startsWith('# [')) break;
    if (/^\d/.test(l)) out.push(l.trim());
  }
  return out;
}

const sum = (rs: FlowRow[], f: (r: FlowRow) => number) => rs.reduce((n, r) => n + f(r), 0);

describe('normalize field values', () => {
  it('NSG v2 bandwidth example totals 9125 packets and 5256000 bytes', () => {
    const tuples = bandwidthLines('nsg-v2');
    const rec = {
      time: '2024-02-26T20:10:15Z',
      properties: {
        Version: 2,
        flows: [{ rule: 'UserRule_web', flows: [{ mac: '000D3AF87856', flowTuples: tuples }] }],
      },
    };
    const rs = rows(JSON.stringify({ records: [rec] }));
    expect(rs).toHaveLength(3);
    expect(sum(rs, (r) => r.packetsSent + r.packetsReceived)).toBe(9125);
    expect(sum(rs, (r) => r.bytesSent + r.bytesReceived)).toBe(5256000);
    expect(rs.map((r) => [r.state, r.hasCounters])).toEqual([
      ['begin', false],
      ['continue', true],
      ['end', true],
    ]);
    expect(rs[0]).toMatchObject({
      format: 'nsg-v2',
      srcIp: '203.0.113.105',
      protocol: 6,
      direction: 'inbound',
      remoteIsPublic: true,
    });
  });

  it('VNet bandwidth example: 10-digit seconds, empty counters on B, same totals', () => {
    const rec = {
      time: '2017-05-02T22:25:38Z',
      flowLogVersion: 4,
      macAddress: '00-0d-3a-f8-78-56',
      flowRecords: {
        flows: [
          {
            aclID: 'a2b2c2d2-1111-2222-3333-444455556666',
            flowGroups: [{ flowTuples: bandwidthLines('vnet'), rule: 'UserRule_telnet' }],
          },
        ],
      },
    };
    const rs = rows(JSON.stringify(rec));
    expect(rs.map((r) => r.time)).toEqual([
      '2017-05-02T22:25:38.000Z',
      '2017-05-02T03:30:38.000Z',
      '2017-05-02T03:35:38.000Z',
    ]);
    expect(sum(rs, (r) => r.packetsSent + r.packetsReceived)).toBe(9125);
    expect(sum(rs, (r) => r.bytesSent + r.bytesReceived)).toBe(5256000);
    expect(rs[0]).toMatchObject({
      hasCounters: false,
      encryption: 'NX',
      mac: '000D3AF87856',
      rule: 'UserRule_telnet',
      ruleName: 'telnet',
      ruleKind: 'user',
      nsg: 'a2b2c2d2-1111-2222-3333-444455556666',
    });
  });

  it('real NSG v2 blob: 153 tuples, previous-hour tuples keep their own time, B rows without counters', () => {
    const rs = rows(fixture('sumologic_nsg-v2_PT1H_real.json'));
    expect(rs).toHaveLength(153);
    const first = rs.filter((r) => r.recordOffset === 12);
    expect(first.length).toBeGreaterThan(0);
    expect(first[0]!.recordTime.slice(0, 13)).toBe('2024-08-19T18');
    expect(first.some((r) => r.time < '2024-08-19T18:00:00')).toBe(true);
    const ssh = rs.filter((r) => r.rule === 'UserRule_SSH');
    expect(ssh.length).toBeGreaterThan(0);
    expect(ssh.every((r) => r.state === 'begin' && !r.hasCounters && r.dstPort === 22)).toBe(true);
    expect(rs.some((r) => r.state === 'end' && r.hasCounters && r.packetsSent === 0)).toBe(true);
    expect(new Set(rs.map((r) => r.format))).toEqual(new Set(['nsg-v2']));
    expect(rs[0]!.subscriptionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(rs[0]!.nsg).toBe(rs[0]!.nsg.toLowerCase());
    const offsets = [...new Set(rs.map((r) => r.recordOffset))];
    expect(offsets).toHaveLength(8);
    const tupleIdx = rs.filter((r) => r.recordOffset === offsets[1]).map((r) => r.tupleIndex);
    expect(tupleIdx).toEqual(tupleIdx.map((_, i) => i));
  });

  it('real VNet blob: ARM aclID, all-zero aclID with PlatformRule, deny rows, duplicates kept', () => {
    const rs = rows(fixture('sumologic_vnet-v4_PT1H_target-vnet_real.json'));
    const platform = rs.filter((r) => r.rule === 'PlatformRule');
    expect(platform.length).toBeGreaterThan(0);
    expect(platform[0]).toMatchObject({
      ruleKind: 'platform',
      nsg: '',
      aclId: '00000000-0000-0000-0000-000000000000',
    });
    const nsgRows = rs.filter((r) => r.aclId.startsWith('/subscriptions/'));
    expect(nsgRows[0]).toMatchObject({ nsg: 'labsvm1-nsg', resourceGroup: 'azure-labs-001', format: 'vnet' });
    expect(rs.some((r) => r.state === 'deny' && r.action === 'deny')).toBe(true);
    expect(rs.some((r) => r.protocol === 17) && rs.some((r) => r.protocol === 6)).toBe(true);
    // 8 records = 4 unique: content-equal rows appear twice, at different record offsets.
    const key = (r: FlowRow) => `${r.time}|${r.srcIp}|${r.srcPort}|${r.dstIp}|${r.state}|${r.packetsSent}`;
    const counts = new Map<string, Set<number>>();
    for (const r of rs) counts.set(key(r), (counts.get(key(r)) ?? new Set()).add(r.recordOffset));
    expect([...counts.values()].every((s) => s.size >= 2)).toBe(true);
  });

  it('NIC VNet blob keeps an E row that precedes its B row', () => {
    const rs = rows(fixture('sumologic_vnet-v4_PT1H_target-nic_real.json'));
    const flows = rs.filter((r) => r.srcPort === 56354 && r.dstPort === 443);
    expect(flows.map((r) => r.state)).toContain('begin');
    expect(flows.findIndex((r) => r.state === 'end')).toBeLessThan(
      flows.findIndex((r) => r.state === 'begin'),
    );
  });

  it('VNet doc samples: AVNM rules with and without a _<guid> suffix, D rows deny', () => {
    const sample = rows(fixture('msdocs_vnet-flowlog-v4_sample.json'));
    expect(sample.find((r) => r.rule === 'BlockHighRiskTCPPortsFromInternet')).toMatchObject({
      ruleKind: 'avnm',
      action: 'deny',
      state: 'deny',
    });
    const read = rows(fixture('msdocs_vnet-flowlog-v4_read-article_record.json'));
    const avnm = read.find((r) => /_[0-9a-f]{8}-/.test(r.rule));
    expect(avnm).toBeDefined();
    expect(avnm!.ruleKind).toBe('avnm');
    expect(avnm!.ruleName).toBe(avnm!.rule.replace(/_[0-9a-f-]{36}$/, ''));
  });

  it('tutorial record: resourceId instead of flowLogResourceID, seconds timestamp, tabs', () => {
    const [r] = rows(fixture('msdocs_vnet-flowlog_tutorial_record_10digit-ts_resourceId.json'));
    expect(r!.flowLog).toMatch(/FLOWLOGS/i);
    expect(r!.subscriptionId).not.toBe('');
    expect(r!.time.endsWith(':00.000Z') || r!.time.endsWith('.000Z')).toBe(true);
  });

  it('connector flat record becomes one connector row', () => {
    const [r] = rows(connectorMessageBody());
    expect(r).toMatchObject({
      format: 'connector',
      rule: 'DefaultRule_AllowVnetInBound',
      ruleName: 'AllowVnetInBound',
      ruleKind: 'default',
      mac: '000D3A3CECED',
      srcIp: '172.16.0.9',
      dstIp: '172.16.0.11',
      srcPort: 61914,
      dstPort: 80,
      protocol: 6,
      direction: 'inbound',
      action: 'allow',
      state: 'begin',
      hasCounters: false,
      time: '2021-09-10T20:01:41.000Z',
      nsg: 'sicdemo-nsg',
      resourceGroup: 'sic-demo-dev',
      subscriptionId: 'f9ea7f5d-324f-4c97-8b60-6734f9dc6f76',
    });
  });

  it('NSG v1 records: 8-field tuples, empty flows lists, the broken doc sample salvaged', () => {
    const v1 = rows(fixture('msdocs_nsg-flowlog-v1_read-article_block-value_empty-flows.json'));
    expect(v1.every((r) => r.format === 'nsg-v1' && r.state === 'none' && !r.hasCounters)).toBe(true);
    const r = normalize(fixture('msdocs_nsg-flowlog-v1_sample_verbatim.json'), { source: 't' });
    expect(r.columns.length).toBe(9);
    expect(r.rejects).toHaveLength(1);
    expect(r.rejects[0]).toMatchObject({ reason: 'unknown-shape', recordIndex: 2, tupleIndex: -1 });
    expect(r.records).toBe(3);
  });

  it('fills missing context from the blob name and adds baseOffset to positions', () => {
    const rec = {
      time: '2024-08-19T18:00:06Z',
      properties: {
        Version: 2,
        flows: [
          { rule: 'UserRule_x', flows: [{ flowTuples: ['1724090346,10.0.0.4,10.0.0.5,1,2,T,O,A,B,,,,'] }] },
        ],
      },
    };
    const blob =
      'resourceId=/SUBSCRIPTIONS/AAAA0A0A-BB1B-CC2C-DD3D-EEEEEE4E4E4E/RESOURCEGROUPS/RG1/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG1/y=2024/m=08/d=19/h=18/m=00/macAddress=000D3AF87856/PT1H.json';
    const r = normalize(Buffer.from(`,${JSON.stringify(rec)}`), {
      source: 't',
      blobName: blob,
      baseOffset: 1000,
    });
    expect(toRows(r.columns)[0]).toMatchObject({
      mac: '000D3AF87856',
      nsg: 'nsg1',
      resourceGroup: 'rg1',
      subscriptionId: 'aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e',
      recordOffset: 1001,
    });
  });

  it('IPv6 tuples fill 16-byte columns and classify the remote end', () => {
    const rec = {
      time: '2024-01-01T00:00:00Z',
      flowLogVersion: 4,
      macAddress: '000D3AF87856',
      flowRecords: {
        flows: [
          {
            aclID: 'x',
            flowGroups: [
              {
                rule: 'PlatformRule',
                flowTuples: [
                  '1704067200000,2001:db8::1,fd00::4,443,51000,6,I,B,NX,0,0,0,0',
                  '1704067200000,fd00::4,2600:1f18::5,51000,443,6,O,E,NX,1,2,3,4',
                ],
              },
            ],
          },
        ],
      },
    };
    const rs = rows(JSON.stringify(rec));
    expect(rs.map((r) => [r.srcIp, r.dstIp, r.remoteIsPublic])).toEqual([
      ['2001:db8::1', 'fd00::4', true],
      ['fd00::4', '2600:1f18::5', true],
    ]);
  });
  it('VNet encryption drops: aclID and rule "unspecified" name no NSG; blob name fills the flow log', () => {
    const rec = {
      time: '2024-01-01T00:01:00Z',
      flowLogVersion: 4,
      macAddress: '',
      flowRecords: {
        flows: [
          {
            aclID: 'unspecified',
            flowGroups: [
              {
                rule: 'unspecified',
                flowTuples: ['1704067200000,10.0.0.4,10.0.0.5,1,2,6,O,D,NX_NOT_ACCEPTED,0,0,0,0'],
              },
            ],
          },
        ],
      },
    };
    const blob =
      'flowLogResourceID=/B0D432B7-1111-2222-3333-444455556666_NETWORKWATCHERRG/NETWORKWATCHER_EASTUS_VNET-FLOWLOG/y=2024/m=01/d=01/h=00/m=00/macAddress=7CED8D2684E5/PT1H.json';
    const [r] = rows(JSON.stringify(rec), blob);
    expect(r).toMatchObject({
      ruleKind: 'unspecified',
      nsg: '',
      aclId: 'unspecified',
      encryption: 'NX_NOT_ACCEPTED',
      action: 'deny',
      mac: '7CED8D2684E5',
      subscriptionId: 'b0d432b7-1111-2222-3333-444455556666',
      flowLog: 'VNET-FLOWLOG',
      resourceGroup: '',
    });
  });

  it('reject offsets are absolute (baseOffset + position of the tuple) and carry record/tuple indexes', () => {
    const rec = `{"time":"2024-01-01T00:00:00Z","properties":{"Version":2,"flows":[{"rule":"UserRule_x","flows":[{"mac":"000D3AF87856","flowTuples":["1704067200,10.0.0.1,10.0.0.2,1,2,T,O,A","bad"]}]}]}}`;
    const body = `,${rec}\r\n,${rec}`;
    const r = normalize(Buffer.from(body), { source: 't', baseOffset: 5000 });
    expect(r.columns.length).toBe(2);
    const at = body.indexOf('"bad"');
    expect(r.rejects.map((j) => [j.reason, j.offset, j.recordIndex, j.tupleIndex, j.excerpt])).toEqual([
      ['tuple-field-count', 5000 + at, 0, 1, 'bad'],
      ['tuple-field-count', 5000 + body.indexOf('"bad"', at + 1), 1, 1, 'bad'],
    ]);
  });
});
