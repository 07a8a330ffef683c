import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineAnalyzer } from '../../analyze/analyzer.js';
import { ANALYZERS } from '../../analyze/analyzers/index.js';
import { type AnalysisDeps, analyzerConfigProblems, analyzeWindow } from '../../analyze/runner.js';
import { emptyContext, windowOf } from '../../analyze/test-context.js';
import type { Db } from '../../core/clickhouse/client.js';
import { AnalyzeConfigSchema } from '../../core/config/sections/analyze.js';
import { queryFindings } from '../../core/findings/page.js';
import { changeStatus } from '../../core/findings/status.js';
import { findingEvents, writeFindings } from '../../core/findings/store.js';
import { openTestDb, rows } from '../harness/chdb.js';
import { at, type FlowSpec, insertFlows } from '../harness/flow-rows.js';

const T0 = '2026-01-01T10:00:00Z';
let db: Db & { dir: string };

const rdp = (src: string, second: number, established = false): FlowSpec => ({
  time: at(T0, second),
  src_ip: src,
  dst_ip: '10.0.1.5',
  dst_port: 3389,
  src_port: 40000 + second,
  ...(established ? { bytes_sent: 50_000, bytes_received: 400_000 } : {}),
});

function deps(config = {}, now = new Date('2026-01-01T12:00:00Z')): AnalysisDeps {
  return { client: db.client, config: AnalyzeConfigSchema.parse(config), context: emptyContext([], now) };
}

beforeAll(async () => {
  db = await openTestDb();
  await insertFlows(db, [rdp('198.51.100.1', 10), rdp('192.0.2.7', 20, true)]);
});
afterAll(() => db.close());

describe('analysis runner with the findings store (chDB)', () => {
  it('stores a finding once; re-running the same window writes nothing new', async () => {
    const window = windowOf(T0, '2026-01-01T11:00:00Z');
    const first = await analyzeWindow(deps(), window);
    expect(first.errors).toEqual([]);
    expect(first.findings.map((f) => [f.category, f.subject.ip, f.severity])).toEqual([
      ['exposed-management-port', '10.0.1.5', 'high'],
    ]);
    expect(first.notify).toHaveLength(1);
    const again = await analyzeWindow(deps(), window);
    expect(again.notify).toEqual([]);
    const [n] = await rows<{ all: number; ids: number }>(
      db,
      'SELECT count() AS all, uniqExact(id) AS ids FROM findings',
    );
    expect(n).toEqual({ all: 1, ids: 1 });
  });

  it('new activity updates lastSeen and counts, never duplicates', async () => {
    await insertFlows(db, [rdp('203.0.113.9', 1800)]);
    const r = await analyzeWindow(
      deps({}, new Date('2026-01-01T12:10:00Z')),
      windowOf(T0, '2026-01-01T11:00:00Z'),
    );
    const [stored] = (await queryFindings(db.client)).items;
    expect(stored!.finding.lastSeen).toBe('2026-01-01T10:30:00.000Z');
    expect(stored!.detections).toBe(2);
    expect(stored!.finding.evidence.distinctPeers).toBe(3);
    expect(r.notify).toHaveLength(1);
    const [n] = await rows<{ ids: number; final: number }>(
      db,
      'SELECT uniqExact(id) AS ids, (SELECT count() FROM findings FINAL) AS final FROM findings',
    );
    expect(n).toEqual({ ids: 1, final: 1 });
    const events = await findingEvents(db.client, stored!.finding.id);
    expect(events.map((e) => e.kind)).toEqual(['detected', 'redetected']);
  });

  it('an acknowledgement (as the API records it: changeStatus + writeFindings) survives re-detection', async () => {
    const [stored] = (await queryFindings(db.client)).items;
    const at = new Date('2026-01-01T12:15:00Z');
    const { stored: acked, event } = changeStatus(stored!, 'acknowledged', 'alice', 'ticket 42', at);
    await writeFindings(db.client, [acked], [event], at);
    await insertFlows(db, [rdp('203.0.113.10', 2400)]);
    const r = await analyzeWindow(
      deps({}, new Date('2026-01-01T12:30:00Z')),
      windowOf(T0, '2026-01-01T11:00:00Z'),
    );
    expect(r.findings[0]!.status).toBe('acknowledged');
    expect(r.notify).toEqual([]);
    const [after] = (await queryFindings(db.client, { status: ['acknowledged'] })).items;
    expect(after).toMatchObject({ statusBy: 'alice', statusReason: 'ticket 42', detections: 3 });
    const events = await findingEvents(db.client, stored!.finding.id);
    expect(events.map((e) => [e.kind, e.status, e.actor])).toEqual([
      ['detected', 'open', 'flowlens'],
      ['redetected', 'open', 'flowlens'],
      ['status', 'acknowledged', 'alice'],
      ['redetected', 'acknowledged', 'flowlens'],
    ]);
  });

  it('config suppressions store the finding as suppressed and never notify', async () => {
    await insertFlows(db, [{ ...rdp('198.51.100.1', 100), dst_ip: '10.0.1.6' }]);
    const config = { suppressions: [{ ips: ['10.0.1.6'], reason: 'decommissioning', by: 'ops' }] };
    const r = await analyzeWindow(deps(config), windowOf(T0, '2026-01-01T11:00:00Z'));
    const s = r.findings.find((f) => f.subject.ip === '10.0.1.6');
    expect(s?.status).toBe('suppressed');
    expect(r.notify.some((f) => f.subject.ip === '10.0.1.6')).toBe(false);
  });

  it('one failing analyzer is reported and the others still run', async () => {
    const broken = defineAnalyzer({
      id: 'broken',
      title: 'broken',
      category: 'broken',
      config: z.object({}),
      query: () => ({ sql: 'SELECT no_such_column FROM flows', params: {}, row: z.object({}) }),
      detect: () => [],
    });
    const r = await analyzeWindow(
      { ...deps(), analyzers: [broken, ...ANALYZERS] },
      windowOf(T0, '2026-01-01T11:00:00Z'),
    );
    expect(r.errors.map((e) => e.analyzer)).toEqual(['broken']);
    expect(r.findings.length).toBeGreaterThan(0);
  });
});

describe('analyzer config validation', () => {
  it('lists unknown analyzer ids and invalid settings', () => {
    const problems = analyzerConfigProblems(
      AnalyzeConfigSchema.parse({
        disabled: ['port-scna'],
        analyzers: { 'port-scan': { minPorts: 'many' }, beaconing: { bogus: 1 } },
      }),
    );
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/unknown analyzer "port-scna"/);
    expect(problems.join('\n')).toMatch(/analyze.analyzers.port-scan/);
    expect(problems.join('\n')).toMatch(/analyze.analyzers.beaconing/);
    expect(analyzerConfigProblems(AnalyzeConfigSchema.parse({}))).toEqual([]);
    expect(analyzerConfigProblems(AnalyzeConfigSchema.parse({ cadenceMinutes: { beaconnig: 5 } }))).toEqual([
      expect.stringMatching(/unknown analyzer "beaconnig"/),
    ]);
  });
});
