import { describe, expect, it } from 'vitest';
import { FindingSchema } from '../../../core/finding.js';
import { ANALYZERS } from '../../analyzers/index.js';
import { listedPublicIps } from '../analysis/peers.js';
import type { Recommendation, RuleReport } from '../analysis/types.js';
import { ruleFindings } from '../findings.js';
import { makeRule } from '../model/build.js';
import { renderReport } from './index.js';

const current = makeRule({ name: 'allow-<script>', priority: 110, destinationPorts: ['8000-8999'] });
const recommendation: Recommendation = {
  id: 'abc',
  nsg: 'web-nsg',
  nsgId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/web-nsg',
  resourceGroup: 'rg',
  subscriptionId: 's',
  rule: current.name,
  category: 'open-to-internet-rule',
  categories: ['open-to-internet-rule', 'overly-permissive-rule'],
  severity: 'medium',
  action: 'narrow',
  reason: '=HYPERLINK("x") "quoted", and <b>bold</b>',
  current,
  proposed: { ...current, sourceAddresses: ['203.0.113.5/32'], destinationPorts: ['8443'] },
  unusedAttributes: ['destination ports 8000-8442, 8444-8999'],
  evidence: {
    hits: 60,
    distinctSources: 1,
    observedPorts: [8443],
    firstHit: '2026-10-01T06:00:00.000Z',
    lastHit: '2026-10-30T17:00:00.000Z',
    sampleFlows: [],
    formats: ['nsg-v2'],
  },
  whatIf: {
    newlyDenied: [],
    newlyDeniedCount: 0,
    replayedFlows: 60,
    backtest: {
      split: '2026-10-22T00:00:00.000Z',
      testFlows: 18,
      newlyDenied: 0,
      confidence: 1,
      level: 'high',
    },
  },
  commands: {
    az: 'az network nsg rule update --name x',
    bicep: "resource x 'y' = {}",
    terraform: 'resource "azurerm_network_security_rule" "x" {}',
  },
};
const report: RuleReport = {
  generatedAt: '2026-11-01T00:00:00.000Z',
  window: { from: '2026-10-01T00:00:00.000Z', to: '2026-10-31T00:00:00.000Z' },
  coverage: [
    {
      nsg: 'web-nsg',
      nsgId: recommendation.nsgId,
      coverage: 1,
      covered: true,
      coveredHours: 720,
      requiredHours: 648,
      missingHours: 0,
    },
  ],
  insufficientData: [
    {
      nsg: 'jump-nsg',
      rule: 'allow-ssh',
      coverage: 0.2,
      reason: 'no hits, but flow logs covered this NSG only 20% of the window (need 90%)',
      coveredHours: 144,
      requiredHours: 648,
      missingHours: 504,
    },
  ],
  recommendations: [recommendation],
  notes: [],
};

describe('renderReport', () => {
  it('json is the report itself', () => {
    expect(JSON.parse(renderReport(report, 'json'))).toEqual(report);
  });

  it('html is self-contained, escaped and has inline charts', () => {
    const html = renderReport(report, 'html');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src=|href="http/i);
    expect(html).toContain('allow-&lt;script&gt;');
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(3);
    expect(html).toContain('<td class="changed">203.0.113.5/32</td>');
    expect(html).toContain('@media print');
    expect(html).toContain('jump-nsg / allow-ssh');
  });

  it('markdown shows current vs proposed and the commands', () => {
    const md = renderReport(report, 'md');
    expect(md).toContain('| destination ports | 8000-8999 | 8443 ✱ |');
    expect(md).toContain('```sh\naz network nsg rule update --name x\n```');
    expect(md).toContain('backtest high (100.0% of 18 later flows still allowed)');
  });

  it('csv quotes per RFC 4180 and defuses formulas', () => {
    const lines = renderReport(report, 'csv').split('\r\n');
    expect(lines[0]!.split(',')).toContain('proposed_ports');
    expect(lines[1]).toContain(`"'=HYPERLINK(""x"") ""quoted"", and <b>bold</b>"`);
    expect(lines[1]).toContain(',8443,60,1,8443,');
    expect(lines).toHaveLength(3);
  });
});

describe('evidence peers', () => {
  const flow = {
    time: '2026-10-30T17:00:00.000Z',
    srcIp: '8.8.8.8',
    dstIp: '10.0.1.4',
    srcPort: 53000,
    dstPort: 8443,
    protocol: 6,
    direction: 'inbound' as const,
    action: 'allow' as const,
    state: 'end',
    packetsSent: 1,
    bytesSent: 100,
    packetsReceived: 0,
    bytesReceived: 0,
    nsg: 'web-nsg',
    rule: 'UserRule_allow-<script>',
    mac: '000D3A000001',
    format: 'nsg-v2',
  };
  const withPeers: RuleReport = {
    ...report,
    recommendations: [{ ...recommendation, evidence: { ...recommendation.evidence, sampleFlows: [flow] } }],
    peers: { '8.8.8.8': { country: 'US', asn: 15169, asName: 'Google LLC' } },
  };

  it('lists each internet address of the evidence flows once, private ones not', () => {
    expect(listedPublicIps(withPeers)).toEqual(['8.8.8.8']);
    expect(listedPublicIps(report)).toEqual([]);
  });

  it('markdown and html name the country and AS next to an evidence address', () => {
    expect(renderReport(withPeers, 'md')).toContain(
      '| 8.8.8.8:53000 (US, AS15169 Google LLC) | 10.0.1.4:8443 |',
    );
    expect(renderReport(withPeers, 'html')).toContain(
      '<td>8.8.8.8:53000 (US, AS15169 Google LLC)</td><td>10.0.1.4:8443</td>',
    );
  });

  it('and the service tag and threat lists where they apply', () => {
    const peer = { country: 'NL', asn: 8075, asName: 'Microsoft Corporation' };
    const tagged: RuleReport = {
      ...withPeers,
      peers: { '8.8.8.8': { ...peer, serviceTag: 'Storage.WestEurope', threatLists: ['drop', 'feodo'] } },
    };
    expect(renderReport(tagged, 'md')).toContain(
      '| 8.8.8.8:53000 (NL, AS8075 Microsoft Corporation, Storage.WestEurope, listed: drop feodo) |',
    );
  });
});

describe('rule findings', () => {
  it('one valid Finding per category, stable ids', () => {
    const findings = ruleFindings(report);
    expect(findings.map((f) => [f.category, f.severity])).toEqual([
      ['open-to-internet-rule', 'medium'],
      ['overly-permissive-rule', 'medium'],
    ]);
    for (const f of findings) {
      expect(FindingSchema.parse(f)).toMatchObject({ subject: { nsg: 'web-nsg', rule: 'allow-<script>' } });
    }
    expect(ruleFindings(report).map((f) => f.id)).toEqual(findings.map((f) => f.id));
    expect(new Set(findings.map((f) => f.id)).size).toBe(2);
  });

  it('the registered rule analyzers read the report from the context', () => {
    const ids = ['unused-allow-rule', 'overly-permissive-rule', 'nsg-rule-hygiene'];
    const analyzers = ANALYZERS.filter((a) => ids.includes(a.id));
    expect(analyzers.map((a) => a.id)).toEqual(ids);
    const window = { from: new Date(report.window.from), to: new Date(report.window.to) };
    const threatIntel = { size: 0, has: () => false, match: () => undefined };
    const run = (extra: Record<string, unknown>) =>
      analyzers.flatMap((a) => {
        const plan = a.plan({}, window, { threatIntel, now: new Date(), extra });
        expect(plan.query).toBeNull();
        return plan.detect([]).map((f) => `${a.id}:${f.category}`);
      });
    expect(run({ ruleReport: report })).toEqual([
      'overly-permissive-rule:overly-permissive-rule',
      'nsg-rule-hygiene:open-to-internet-rule',
    ]);
    expect(run({})).toEqual([]);
  });
});
