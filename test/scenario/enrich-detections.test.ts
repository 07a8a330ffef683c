import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beaconing } from '../../analyze/analyzers/beaconing/index.js';
import { maliciousIp } from '../../analyze/analyzers/malicious-ip/index.js';
import { paasOverPublicEndpoint } from '../../analyze/analyzers/paas-over-public-endpoint/index.js';
import { analyzeWindow } from '../../analyze/runner.js';
import { emptyContext, windowOf } from '../../analyze/test-context.js';
import { AnalyzeConfigSchema } from '../../core/config/sections/analyze.js';
import { parseIntel } from '../../core/enrich/intel.js';
import { loadIntelList, loadServiceTags } from '../../core/enrich/load.js';
import { ServiceTagsFileSchema } from '../../core/enrich/service-tags.js';
import type { Finding } from '../../core/finding.js';
import { openTestDb } from '../harness/chdb.js';
import { REPO_ROOT } from '../harness/cli.js';
import { at, type FlowSpec, insertFlows } from '../harness/flow-rows.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'enrich');
const T0 = '2026-03-02T08:00:00Z';
const WINDOW = windowOf(T0, '2026-03-02T11:00:00Z');
let db: Awaited<ReturnType<typeof openTestDb>>;

/** A flow every `every` seconds for `count` times, each a new connection (B tuple). */
function periodic(src: string, dst: string, port: number, every: number, count: number): FlowSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    time: at(T0, 30 + i * every),
    src_ip: src,
    dst_ip: dst,
    dst_port: port,
    src_port: 40000 + i,
    direction: 'outbound' as const,
    state: 'begin' as const,
    bytes_sent: 900,
    bytes_received: 1200,
  }));
}

beforeAll(async () => {
  db = await openTestDb();
  const tags = ServiceTagsFileSchema.parse(
    JSON.parse(readFileSync(join(FIXTURES, 'ServiceTags_Public_20261130.json'), 'utf8')),
  );
  await loadServiceTags(db.client, tags, { source: 'test', now: new Date(T0) });
  const firehol = parseIntel(readFileSync(join(FIXTURES, 'firehol_level1.netset'), 'utf8'), 'lines');
  await loadIntelList(
    db.client,
    { name: 'firehol_level1', prefixes: firehol.prefixes, confidence: 80 },
    { source: 'test', now: new Date(T0) },
  );
  await insertFlows(db, [
    // Azure Monitor agent and the platform address: a heartbeat every minute for two hours.
    ...periodic('10.0.1.4', '20.36.40.10', 443, 60, 120),
    ...periodic('10.0.1.4', '168.63.129.16', 80, 60, 120),
    // A real beacon to an internet address: the cut must not hide it.
    ...periodic('10.0.1.8', '203.0.113.200', 443, 60, 120),
    // A host reaching a FireHOL-listed address, a listed address getting in, and denied probes.
    {
      time: at(T0, 600),
      src_ip: '10.0.1.6',
      dst_ip: '203.0.113.7',
      dst_port: 8443,
      direction: 'outbound',
      bytes_sent: 5000,
      bytes_received: 70000,
    },
    {
      time: at(T0, 700),
      src_ip: '198.51.100.20',
      dst_ip: '10.0.1.5',
      dst_port: 443,
      bytes_sent: 800,
      bytes_received: 4000,
    },
    {
      time: at(T0, 800),
      src_ip: '198.51.100.30',
      dst_ip: '10.0.1.5',
      dst_port: 22,
      action: 'deny',
      state: 'deny',
    },
    {
      time: at(T0, 801),
      src_ip: '198.51.100.31',
      dst_ip: '10.0.1.7',
      dst_port: 22,
      action: 'deny',
      state: 'deny',
    },
    // Two hosts of one subnet writing to Storage over its public endpoint.
    ...[0, 1, 2].map((i) => ({
      time: at(T0, 900 + i),
      src_ip: `10.0.2.${10 + (i % 2)}`,
      dst_ip: '52.239.216.20',
      direction: 'outbound' as const,
      bytes_sent: 2_000_000,
      bytes_received: 10_000,
    })),
  ]);
});
afterAll(() => db.close());

async function run(analyzers: Record<string, unknown> = {}): Promise<Finding[]> {
  const config = AnalyzeConfigSchema.parse({ analyzers });
  const r = await analyzeWindow(
    {
      client: db.client,
      config,
      context: emptyContext([], new Date('2026-03-02T12:00:00Z')),
      analyzers: [beaconing, maliciousIp, paasOverPublicEndpoint],
    },
    WINDOW,
  );
  expect(r.errors).toEqual([]);
  return r.findings;
}

describe('enrichment detections on a realistic mix', { timeout: 120_000 }, () => {
  it('flags listed addresses by direction, recommends private access to Storage, and keeps monitor heartbeats out of beaconing', async () => {
    const findings = await run();
    const summary = findings
      .map((f) => [f.category, f.severity, f.subject.ip, f.subject.remoteIp ?? ''])
      .sort();
    expect(summary).toEqual([
      ['beaconing', 'medium', '10.0.1.8', '203.0.113.200'],
      ['malicious-ip', 'critical', '10.0.1.6', '203.0.113.7'],
      ['malicious-ip', 'high', '10.0.1.5', '198.51.100.20'],
      ['malicious-ip', 'info', undefined, ''],
      ['paas-over-public-endpoint', 'low', '10.0.2.0/24', ''],
    ]);
    const beacon = findings.find((f) => f.category === 'beaconing')!;
    expect(beacon.evidence.noiseCuts).toEqual([
      'azure-platform: AzureMonitor, AzureCloud, 168.63.129.16, 169.254.169.254',
    ]);
    const denied = findings.find((f) => f.severity === 'info')!;
    expect(denied.evidence).toMatchObject({
      flows: 2,
      distinctPeers: 2,
      threatLists: ['firehol_level1'],
      direction: 'inbound',
    });
    const paas = findings.find((f) => f.category === 'paas-over-public-endpoint')!;
    expect(paas.evidence).toMatchObject({
      flows: 3,
      bytes: 6_030_000,
      service: 'Storage',
      serviceTags: ['Storage.AustraliaCentral'],
      hosts: ['10.0.2.10', '10.0.2.10', '10.0.2.11'].slice(1),
    });
    expect((paas.evidence.fix as { serviceEndpoint: string }).serviceEndpoint).toContain(
      '--service-endpoints Microsoft.Storage',
    );
    expect((paas.evidence.fix as { privateEndpoint: string }).privateEndpoint).toContain('--group-id blob');
  });

  it('the same heartbeats are beaconing when the platform cut is off', async () => {
    const findings = await run({ beaconing: { azurePlatform: { enabled: false } } });
    const beacons = findings
      .filter((f) => f.category === 'beaconing')
      .map((f) => f.subject.remoteIp)
      .sort();
    // 168.63.129.16 never counts: ingest marks it non-public (core/net/ip.ts), and beaconing reads public peers only.
    expect(beacons).toEqual(['20.36.40.10', '203.0.113.200']);
    const monitor = findings.find((f) => f.subject.remoteIp === '20.36.40.10');
    expect(monitor?.evidence.noiseCuts).toEqual([]);
  });

  it('a list update is seen by the next analysis run', async () => {
    const before = await run();
    expect(before.some((f) => f.subject.remoteIp === '203.0.113.200' && f.category === 'malicious-ip')).toBe(
      false,
    );
    await loadIntelList(
      db.client,
      { name: 'feodo', prefixes: ['203.0.113.200/32'], confidence: 90 },
      { source: 'test', now: new Date(T0) },
    );
    const after = await run();
    const hit = after.find((f) => f.subject.remoteIp === '203.0.113.200' && f.category === 'malicious-ip');
    expect(hit).toMatchObject({ severity: 'critical', evidence: { threatLists: ['feodo'], confidence: 90 } });
  });
});
