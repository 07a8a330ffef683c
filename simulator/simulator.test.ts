import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionTuples } from './connection.js';
import { BRUTE_FORCE_IP, EXFIL_IP, SCANNER_IP } from './incidents.js';
import { nsgV2Tuple, vnetTuple } from './records.js';
import { simulateToDirectory } from './scenario.js';
import { Simulation } from './simulation.js';

const START = Date.UTC(2026, 10, 2, 9, 0, 0);

function run(minutes: number, seed = 3) {
  const sim = new Simulation({ startMs: START, seed, incidentsAtMs: START });
  const records = [];
  for (let i = 0; i < minutes; i++) records.push(...sim.nextMinute());
  return { sim, records, text: JSON.stringify(records.map((r) => r.record)) };
}

describe('Simulation', () => {
  it('is deterministic for a seed', () => {
    expect(run(15).text).toBe(run(15).text);
    expect(run(15, 4).text).not.toBe(run(15).text);
  });

  it('plants the incidents in the records', () => {
    const { text } = run(15);
    const scanned = new Set(
      [
        ...text.matchAll(
          new RegExp(`\\d+,${SCANNER_IP.replaceAll('.', '\\.')},10\\.10\\.1\\.4,\\d+,(\\d+),`, 'g'),
        ),
      ].map((m) => m[1]),
    );
    expect(scanned.size).toBe(150);
    expect(
      (text.match(new RegExp(`${BRUTE_FORCE_IP.replaceAll('.', '\\.')},`, 'g')) ?? []).length,
    ).toBeGreaterThanOrEqual(60);
    expect(text).toContain(`10.10.2.5,${EXFIL_IP},49731,443,T,O,A,B,,,,`);
  });

  it('counts every tuple it emits', () => {
    const { sim, records } = run(20);
    const counted = records.reduce((n, r) => n + r.tuples, 0);
    const inJson = JSON.stringify(records.map((r) => r.record)).match(/"\d{10,13},[^"]+"/g)?.length;
    expect(counted).toBe(sim.tuplesEmitted);
    expect(inJson).toBe(counted);
  });

  it('writes NSG v2 records for NSG-logged NICs and VNet records for the others', () => {
    const { records } = run(5);
    const nsg = records.find((r) => r.blob.includes('NETWORKSECURITYGROUPS/WEB-NSG'));
    const vnet = records.find((r) => r.blob.startsWith('flowLogResourceID=/'));
    expect(nsg?.container).toBe('insights-logs-networksecuritygroupflowevent');
    expect(nsg?.record).toMatchObject({
      category: 'NetworkSecurityGroupFlowEvent',
      properties: { Version: 2 },
    });
    expect(vnet?.container).toBe('insights-logs-flowlogflowevent');
    expect(vnet?.record).toMatchObject({ flowLogVersion: 4, category: 'FlowLogFlowEvent' });
    expect(vnet?.blob).toMatch(/\/y=2026\/m=11\/d=02\/h=09\/m=00\/macAddress=[0-9A-F]{12}\/PT1H\.json$/);
  });
});

describe('connectionTuples', () => {
  it('splits a long flow into B, C every 5 minutes and E whose counters add up', () => {
    const tuples = connectionTuples({
      startMs: START,
      durationMs: 12 * 60_000,
      src: '10.10.2.5',
      dst: '8.8.8.8',
      srcPort: 50000,
      dstPort: 443,
      protocol: 'T',
      packetsOut: 1000,
      bytesOut: 1_000_000,
      packetsIn: 100,
      bytesIn: 10_000,
      outboundRule: { rule: 'DefaultRule_AllowInternetOutBound', action: 'A' },
    });
    expect(tuples.map((t) => t.state)).toEqual(['B', 'C', 'C', 'E']);
    const sum = tuples.reduce((s, t) => s + (t.counters?.[1] ?? 0), 0);
    expect(sum).toBe(1_000_000);
    expect(nsgV2Tuple(tuples[0]!)).toMatch(/,T,O,A,B,,,,$/);
    expect(vnetTuple(tuples[3]!)).toMatch(
      /^\d{13},10\.10\.2\.5,8\.8\.8\.8,50000,443,6,O,E,NX,\d+,\d+,\d+,\d+$/,
    );
  });

  it('logs a denied flow once without statistics', () => {
    const tuples = connectionTuples({
      startMs: START,
      durationMs: 0,
      src: '1.2.3.4',
      dst: '10.10.1.4',
      srcPort: 1,
      dstPort: 23,
      protocol: 'T',
      packetsOut: 1,
      bytesOut: 60,
      packetsIn: 0,
      bytesIn: 0,
      inboundRule: { rule: 'DefaultRule_DenyAllInBound', action: 'D' },
    });
    expect(tuples.map((t) => [t.direction, t.action, t.state])).toEqual([['I', 'D', 'B']]);
    expect(vnetTuple(tuples[0]!)).toContain(',I,D,NX,0,0,0,0');
  });
});

describe('simulateToDirectory', () => {
  it('writes PT1H.json files Azure-style, NSG definitions and ground truth', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    try {
      const s = simulateToDirectory(dir, { hours: 2 });
      expect(s.blobs.length).toBeGreaterThan(7);
      const body = readFileSync(s.blobs[0]!, 'utf8');
      expect(body.startsWith('{"records":[{')).toBe(true);
      expect(body.endsWith('}]}')).toBe(true);
      expect(() => JSON.parse(body)).not.toThrow();
      const nsgs = JSON.parse(readFileSync(s.nsgFile, 'utf8')) as { value: { name: string }[] };
      expect(nsgs.value.map((n) => n.name)).toEqual(['web-nsg', 'app-nsg', 'db-nsg', 'mgmt-nsg']);
      const truth = JSON.parse(readFileSync(s.groundTruthFile, 'utf8')) as { category: string }[];
      expect(truth.map((t) => t.category)).toContain('exfiltration');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
