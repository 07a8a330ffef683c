import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYZERS } from '../../analyze/analyzers/index.js';
import { buildRuleReport } from '../../analyze/rules/analysis/build.js';
import { defaultReportOptions } from '../../analyze/rules/analysis/options.js';
import type { RuleReport } from '../../analyze/rules/analysis/types.js';
import { createRuleReportRefresher } from '../../analyze/rules/analyzer.js';
import { createAddressContext } from '../../analyze/rules/model/context.js';
import { whatIfProposal } from '../../analyze/rules/whatif/proposal.js';
import { detectWindow } from '../../analyze/runner.js';
import type { Db } from '../../core/clickhouse/client.js';
import { AnalyzeConfigSchema } from '../../core/config/sections/analyze.js';
import { RulesConfigSchema } from '../../core/config/sections/rules.js';
import { openTestDb } from '../harness/chdb.js';
import { loadRuleScenario } from '../scenario/load-rules.js';
import { EXPECTED, JIT_UNUSED, JIT_USED, WINDOW } from '../scenario/rules-scenario.js';

type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;
let report: RuleReport;
const opts = defaultReportOptions({
  ctx: createAddressContext({ virtualNetwork: ['10.0.0.0/16'] }),
  now: () => new Date('2026-11-01T00:00:00Z'),
});

beforeAll(async () => {
  db = await openTestDb();
  await loadRuleScenario(db);
  report = await buildRuleReport(db, WINDOW, opts);
});
afterAll(async () => db?.close());

const rec = (nsg: string, rule: string) =>
  report.recommendations.find((r) => r.nsg === nsg && r.rule === rule);

describe('rule report on the scenario estate', () => {
  it.each(Object.entries(EXPECTED))('%s', (key, want) => {
    const [nsg, rule] = key.split('/') as [string, string];
    const got = rec(nsg, rule);
    const insufficient = report.insufficientData.some((i) => i.nsg === nsg && i.rule === rule);
    if (want === 'none') expect(got).toBeUndefined();
    else if (want === 'insufficient') {
      expect(got).toBeUndefined();
      expect(insufficient).toBe(true);
    } else {
      expect(got?.action).toBe(want.action);
      expect(got?.categories).toContain(want.category);
    }
  });

  it('narrows the over-wide port range to the port and the two sources that used it', () => {
    const r = rec('web-nsg', 'allow-app-range')!;
    expect(r.proposed).toMatchObject({
      sourceAddresses: ['198.51.100.7/32', '203.0.113.5/32'],
      destinationPorts: ['8443'],
    });
    expect(r.unusedAttributes).toContain('destination ports 8000-8442, 8444-8999');
    expect(r.evidence).toMatchObject({ distinctSources: 2, observedPorts: [8443], hits: 60 });
    expect(r.commands.az).toContain('--destination-port-ranges 8443');
  });

  it('flags RDP from the internet with Bastion/JIT/VPN advice and a narrowed source list', () => {
    const r = rec('web-nsg', 'allow-rdp')!;
    expect(r.severity).toBe('high');
    expect(r.reason).toMatch(/Bastion/);
    expect(r.categories).toContain('overly-permissive-rule');
    expect(r.proposed?.sourceAddresses).toEqual(['198.51.100.20/32', '203.0.113.40/32']);
  });

  it('joins VNet flow logs by aclID', () => {
    const r = rec('db-nsg', 'allow-sql-from-app')!;
    expect(r.evidence.formats).toEqual(['vnet']);
    // An internal subnet source is never narrowed to the single host seen (issue 12): ports only.
    expect(r.proposed).toMatchObject({ sourceAddresses: ['10.0.1.0/24'], destinationPorts: ['1433'] });
    expect(r.reason).toMatch(/Could break: services on ports not seen/);
  });

  it('every proposal replays with zero newly denied flows on its own window', () => {
    const changes = report.recommendations.filter((r) => r.action !== 'review');
    expect(changes.length).toBeGreaterThanOrEqual(5);
    for (const r of changes) {
      expect(r.whatIf?.newlyDeniedCount, `${r.nsg}/${r.rule}`).toBe(0);
      expect(r.whatIf?.newlyDenied).toEqual([]);
    }
    const narrowed = report.recommendations.filter((r) => r.action === 'narrow');
    for (const r of narrowed) expect(r.whatIf!.replayedFlows).toBe(r.evidence.hits);
  });

  it('backtests proposals learned on the first 70% of the window', () => {
    const app = rec('web-nsg', 'allow-app-range')!.whatIf!.backtest!;
    expect(app).toMatchObject({ newlyDenied: 0, confidence: 1, level: 'high' });
    expect(app.testFlows).toBeGreaterThan(0);
  });

  it('lists a deny rule hit by internal sources with internal sample flows', () => {
    const r = rec('web-nsg', 'deny-smb')!;
    expect(r.evidence.sampleFlows.length).toBeGreaterThan(0);
    expect(r.evidence.sampleFlows.every((f) => f.srcIp === '10.0.2.10' && f.action === 'deny')).toBe(true);
  });

  it('judges JIT rules on their own lifetime and joins truncated names', () => {
    expect(rec('web-nsg', JIT_USED.name)).toBeUndefined();
    // jump-nsg has logs only from 26 October: no verdict on its old rule, but the JIT rule created
    // that day was covered for its whole life.
    expect(rec('jump-nsg', JIT_UNUSED.name)).toMatchObject({
      action: 'remove',
      category: 'unused-allow-rule',
    });
    expect(report.insufficientData.map((i) => i.rule)).toEqual(['allow-ssh-vpn']);
    expect(report.notes.filter((n) => n.includes('JITRule'))).toEqual([]);
  });

  it('what-if on a hand-edited proposal lists the flows it would break', async () => {
    const current = rec('web-nsg', 'allow-app-range')!.current;
    const tooTight = { ...current, sourceAddresses: ['203.0.113.5'], destinationPorts: ['8443'] };
    const w = await whatIfProposal(
      db,
      WINDOW,
      { nsg: 'WEB-NSG', rule: 'allow-app-range', proposed: tooTight },
      opts,
    );
    expect(w).toMatchObject({ newlyDeniedCount: 30, replayedFlows: 60 });
    expect(w!.newlyDenied).toEqual([
      {
        srcIp: '198.51.100.7',
        dstIp: '10.0.1.4',
        dstPort: 8443,
        protocol: 6,
        direction: 'inbound',
        hits: 30,
      },
    ]);
    const removal = await whatIfProposal(
      db,
      WINDOW,
      { nsg: 'web-nsg', rule: 'allow-monitoring', proposed: null },
      opts,
    );
    // 10.0.2.10 is inside VirtualNetwork: AllowVnetInBound would still allow it.
    expect(removal).toMatchObject({ newlyDeniedCount: 0, replayedFlows: 60 });
    expect(
      await whatIfProposal(db, WINDOW, { nsg: 'web-nsg', rule: 'nope', proposed: null }, opts),
    ).toBeNull();
  });

  it('reports coverage per NSG', () => {
    const cov = Object.fromEntries(report.coverage.map((c) => [c.nsg, c.covered]));
    expect(cov).toEqual({ 'web-nsg': true, 'db-nsg': true, 'jump-nsg': false });
  });
});

describe('rule findings in the detections runner', () => {
  const rulesConfig = RulesConfigSchema.parse({ virtualNetworkPrefixes: ['10.0.0.0/16'] });
  const threatIntel = { size: 0, has: () => false, match: () => undefined };

  it('the registered rule analyzers emit Findings from the refreshed report', async () => {
    const extra = await createRuleReportRefresher(db, rulesConfig).extra(new Date(WINDOW.to));
    const { findings, errors } = await detectWindow(
      {
        client: db.client,
        config: AnalyzeConfigSchema.parse({}),
        context: { threatIntel, now: new Date(), extra },
        analyzers: ANALYZERS.filter((a) =>
          ['unused-allow-rule', 'overly-permissive-rule', 'nsg-rule-hygiene'].includes(a.id),
        ),
      },
      { from: new Date(WINDOW.from), to: new Date(WINDOW.to) },
    );
    expect(errors).toEqual([]);
    const got = findings.map((f) => `${f.category} ${f.subject.nsg}/${f.subject.rule}`);
    expect(got).toEqual(
      expect.arrayContaining([
        'unused-allow-rule web-nsg/allow-legacy-ftp',
        'unused-allow-rule db-nsg/allow-backup',
        'overly-permissive-rule web-nsg/allow-app-range',
        'overly-permissive-rule db-nsg/allow-sql-from-app',
        'management-port-open-to-internet web-nsg/allow-rdp',
        'deny-hit-by-internal-source web-nsg/deny-smb',
      ]),
    );
    expect(got.some((g) => g.includes('allow-https '))).toBe(false);
  });

  it('rebuilds at most once per interval and survives a failing rebuild', async () => {
    let now = 0;
    const errors: unknown[] = [];
    const refresher = createRuleReportRefresher(db, rulesConfig, { clock: () => now, refreshMs: 1000 });
    const first = await refresher.extra(new Date(WINDOW.to));
    expect(await refresher.extra(new Date(WINDOW.to))).toBe(first);
    now = 1000;
    expect(await refresher.extra(new Date(WINDOW.to))).not.toBe(first);
    const down = { client: { query: () => Promise.reject(new Error('database down')) } } as unknown as Db;
    const failing = createRuleReportRefresher(down, rulesConfig, { onError: (e) => errors.push(e) });
    expect(await failing.extra(new Date(WINDOW.to))).toEqual({});
    expect(String(errors[0])).toMatch(/database down/);
  });
});
