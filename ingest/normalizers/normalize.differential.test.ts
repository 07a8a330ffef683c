import { describe, expect, it } from 'vitest';
import { generateNsgV2Blob, generateVnetBlob } from '../../bench/gen-blob.js';
import { toRows } from '../../core/flow/batch.js';
import { fixture } from '../../test/harness/fixtures.js';
import { normalize } from './index.js';

/**
 * Differential test: the byte scanner against the obvious implementation (`JSON.parse` + `split`),
 * written here from docs/reference/flow-logs.md without sharing code with the normalizer.
 */

interface Ref {
  time: string;
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  protocol: number;
  direction: string;
  action: string;
  state: string;
  encryption: string;
  counters: number[];
  hasCounters: boolean;
  rule: string;
  mac: string;
}

const STATE: Record<string, string> = { B: 'begin', C: 'continue', E: 'end', D: 'deny' };

function refTuple(t: string, vnet: boolean, rule: string, mac: string): Ref {
  const f = t.split(',');
  const ts = Number(f[0]);
  const counters = vnet || f.length === 13 ? f.slice(9, 13) : [];
  const has = counters.length === 4 && counters.every((c) => c !== '');
  const state = vnet ? STATE[f[7]!]! : f.length === 8 ? 'none' : STATE[f[8]!]!;
  return {
    time: new Date(f[0]!.length <= 11 ? ts * 1000 : ts).toISOString(),
    srcIp: f[1]!,
    dstIp: f[2]!,
    srcPort: Number(f[3]),
    dstPort: Number(f[4]),
    protocol: f[5] === 'T' ? 6 : f[5] === 'U' ? 17 : Number(f[5]),
    direction: f[6] === 'I' ? 'inbound' : 'outbound',
    action: vnet ? (f[7] === 'D' ? 'deny' : 'allow') : f[7] === 'D' ? 'deny' : 'allow',
    state,
    encryption: vnet ? f[8]! : '',
    counters: has ? counters.map(Number) : [0, 0, 0, 0],
    hasCounters: has,
    rule,
    mac: mac.replace(/[-:]/g, '').toUpperCase(),
  };
}

function reference(text: string): Ref[] {
  // biome-ignore lint/suspicious/noExplicitAny: untyped JSON
  const records: any[] = JSON.parse(text).records;
  return records.flatMap((r) =>
    r.flowRecords
      ? // biome-ignore lint/suspicious/noExplicitAny: untyped JSON
        r.flowRecords.flows.flatMap((a: any) =>
          // biome-ignore lint/suspicious/noExplicitAny: untyped JSON
          a.flowGroups.flatMap((g: any) =>
            g.flowTuples.map((t: string) => refTuple(t, true, g.rule, r.macAddress)),
          ),
        )
      : // biome-ignore lint/suspicious/noExplicitAny: untyped JSON
        r.properties.flows.flatMap((f: any) =>
          // biome-ignore lint/suspicious/noExplicitAny: untyped JSON
          f.flows.flatMap((m: any) => m.flowTuples.map((t: string) => refTuple(t, false, f.rule, m.mac))),
        ),
  );
}

function actual(body: Buffer): Ref[] {
  const r = normalize(body, { source: 'diff' });
  expect(r.rejects).toEqual([]);
  return toRows(r.columns).map((x) => ({
    time: x.time,
    srcIp: x.srcIp,
    dstIp: x.dstIp,
    srcPort: x.srcPort,
    dstPort: x.dstPort,
    protocol: x.protocol,
    direction: x.direction,
    action: x.action,
    state: x.state,
    encryption: x.encryption,
    counters: [x.packetsSent, x.bytesSent, x.packetsReceived, x.bytesReceived],
    hasCounters: x.hasCounters,
    rule: x.rule,
    mac: x.mac,
  }));
}

describe('byte scanner = JSON.parse + split', () => {
  it.each([1, 2, 3])('generated NSG v2 and VNet blobs, seed %i', (seed) => {
    for (const gen of [generateNsgV2Blob, generateVnetBlob]) {
      const body = gen({ targetBytes: 150_000, seed });
      expect(actual(body)).toEqual(reference(body.toString('utf8')));
    }
  });

  it.each([
    'sumologic_nsg-v2_PT1H_real.json',
    'sumologic_vnet-v4_PT1H_target-vnet_real.json',
    'sumologic_vnet-v4_PT1H_target-subnet_real.json',
    'sumologic_vnet-v4_PT1H_target-nic_real.json',
    'msdocs_nsg-flowlog-v2_sample.json',
    'msdocs_vnet-flowlog-v4_sample.json',
  ])('real and documented blob %s', (name) => {
    const body = fixture(name);
    expect(actual(body)).toEqual(reference(body.toString('utf8')));
  });
});
