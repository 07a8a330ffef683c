import { describe, expect, it } from 'vitest';
import { defaultRules, makeFlow, makeRule } from '../model/build.js';
import { compileRuleSet } from '../model/compile.js';
import { createAddressContext } from '../model/context.js';
import type { NsgRule } from '../model/types.js';
import type { WeightedFlow } from '../whatif/replay.js';
import { assessRule, type RuleInput } from './assess.js';
import { defaultReportOptions } from './options.js';
import type { RuleUsage } from './usage.js';

const ctx = createAddressContext({ virtualNetwork: ['10.0.0.0/16'] });
const opts = defaultReportOptions({ ctx });
const usage = (allowHits: number, internalHits = 0): RuleUsage => ({
  keys: ['k'],
  hits: allowHits + internalHits,
  allowHits,
  denyHits: internalHits,
  sources: 1,
  internalHits,
  internalSources: internalHits ? 1 : 0,
  first: '2026-10-01T00:00:00.000Z',
  last: '2026-10-30T00:00:00.000Z',
  formats: new Set(['nsg-v2']),
});
const flow = (src: string, port: number, late: boolean): WeightedFlow & { late: boolean } => ({
  ...makeFlow({ src, dst: '10.0.1.4', dstPort: port }),
  srcText: src,
  dstText: '10.0.1.4',
  hits: 3,
  late,
});

function input(
  rules: NsgRule[],
  target: string,
  u: RuleUsage | null,
  flows: ReturnType<typeof flow>[] = [],
  coverage = 1,
): RuleInput {
  const ordered = compileRuleSet(rules, ctx);
  return {
    rules,
    ordered,
    compiled: ordered.find((r) => r.rule.name === target)!,
    usage: u,
    coverage,
    split: '2026-10-22T00:00:00.000Z',
    flows: { all: flows, train: flows.filter((f) => !f.late), test: flows.filter((f) => f.late) },
  };
}

const web = makeRule({
  name: 'web',
  priority: 100,
  destinationPorts: ['443'],
  destinationAddresses: ['10.0.1.4'],
});
const wide = makeRule({
  name: 'wide',
  priority: 110,
  destinationPorts: ['8000-8999'],
  destinationAddresses: ['10.0.1.4'],
});
const ssh = makeRule({ name: 'ssh', priority: 120, destinationPorts: ['22'] });
const copy = makeRule({
  name: 'web-copy',
  priority: 130,
  destinationPorts: ['443'],
  destinationAddresses: ['10.0.1.4'],
  sourceAddresses: ['8.8.8.0/24'],
});
const blocked = makeRule({
  name: 'block',
  priority: 140,
  access: 'deny',
  destinationPorts: ['443'],
  destinationAddresses: ['10.0.1.4'],
});
const rules = [web, wide, ssh, copy, blocked, ...defaultRules()];

describe('assessRule', () => {
  it('calls an allow rule unused only with enough coverage', () => {
    expect(assessRule(input(rules, 'ssh', null, [], 0.95), opts)).toMatchObject({
      categories: ['management-port-open-to-internet', 'unused-allow-rule'],
      action: 'remove',
    });
    const thin = assessRule(input(rules, 'ssh', null, [], 0.5), opts);
    expect(thin.categories).toEqual(['management-port-open-to-internet']);
    expect(thin.action).toBe('review');
    expect(thin.insufficient).toMatch(/only 50% of the window/);
  });

  it('narrows with a what-if of zero newly denied and a high-confidence backtest', () => {
    const flows = [flow('203.0.113.5', 8443, false), flow('198.51.100.7', 8443, true)];
    const a = assessRule(input(rules, 'wide', usage(6), flows), opts);
    expect(a.action).toBe('narrow');
    expect(a.proposed?.destinationPorts).toEqual(['8443']);
    expect(a.whatIf).toMatchObject({ newlyDeniedCount: 0, replayedFlows: 6 });
    // The late source was never seen in the first part: the backtest catches it.
    expect(a.whatIf?.backtest).toMatchObject({ testFlows: 3, newlyDenied: 3, confidence: 0, level: 'low' });
  });

  it('makes no proposal from a truncated sample', () => {
    const flows = [flow('203.0.113.5', 8443, false)];
    const i = input(rules, 'wide', usage(3), flows);
    const a = assessRule({ ...i, flows: { ...i.flows, truncated: true } }, opts);
    expect(a.proposed).toBeNull();
    expect(a.reasons.join(' ')).toMatch(/no narrowing proposed/);
  });

  it('finds redundant and shadowed rules', () => {
    expect(assessRule(input(rules, 'web-copy', null, [], 1), opts)).toMatchObject({
      categories: ['redundant-rule', 'unused-allow-rule'],
      action: 'remove',
    });
    const shadow = assessRule(input(rules, 'block', null), opts);
    expect(shadow).toMatchObject({ categories: ['shadowed-rule'], action: 'review', whatIf: null });
    expect(shadow.reasons[0]).toMatch(/higher-priority rule web \(100, allow\).*never takes effect/);
  });

  it('flags deny rules hit by internal sources, including default rules', () => {
    const deny = rules.find((r) => r.name === 'DenyAllInBound')!;
    expect(assessRule(input(rules, deny.name, usage(0, 4)), opts)).toMatchObject({
      categories: ['deny-hit-by-internal-source'],
      severity: 'medium',
      action: 'review',
    });
    expect(assessRule(input(rules, deny.name, usage(0, 0)), opts).categories).toEqual([]);
  });

  it('leaves a rule in active use alone', () => {
    // Sources spread over the internet: no short list of prefixes covers them.
    const flows = Array.from({ length: 20 }, (_, i) =>
      flow(`${20 + i * 9}.${i * 11}.1.${i + 1}`, 443, i % 2 === 0),
    );
    const a = assessRule(input(rules, 'web', usage(60), flows), opts);
    expect(a.categories).toEqual([]);
    expect(a.whatIf).toBeNull();
  });
});

describe('narrowing confidence in the assessment (days observed, churn)', () => {
  const sshRules = [
    makeRule({ name: 'ssh-any', priority: 100, destinationPorts: ['22'] }),
    ...defaultRules(),
  ];
  const seen = (src: string, late: boolean, days: string[]) => ({ ...flow(src, 22, late), days });
  const early = ['2026-10-05', '2026-10-12', '2026-10-19'];
  const later = ['2026-10-25'];

  it('steady corporate sources: narrowed to them, with days and churn in the reason and the report', () => {
    const flows = ['203.0.113.10', '203.0.113.11', '203.0.113.12'].flatMap((ip) => [
      seen(ip, false, early),
      seen(ip, true, later),
    ]);
    const a = assessRule({ ...input(sshRules, 'ssh-any', usage(30), flows), windowDays: 30 }, opts);
    expect(a.action).toBe('narrow');
    expect(a.proposed?.sourceAddresses).toEqual(['203.0.113.10/31', '203.0.113.12/32']);
    expect(a.narrowing).toMatchObject({ distinctPeers: 3, daysObserved: 4, latePeers: 0, level: 'low' });
    expect(a.reasons.join(' ')).toContain('3 distinct peer(s) over 4 of 30 day(s); 0 first seen');
  });

  it('sources still appearing late: the sources are not narrowed (a wider proposal)', () => {
    const flows = [
      seen('203.0.113.10', false, early),
      seen('203.0.113.10', true, later),
      seen('198.51.100.7', true, later),
      seen('192.0.2.9', true, later),
    ];
    const a = assessRule({ ...input(sshRules, 'ssh-any', usage(30), flows), windowDays: 30 }, opts);
    expect(a.narrowing).toBeNull();
    expect(a.proposed).toBeNull();
    const ports = makeRule({ name: 'wide-any', priority: 100, destinationPorts: ['8000-8999'] });
    const wideFlows = flows.map((f) => ({ ...f, dstPort: 8443 }));
    const b = assessRule(
      { ...input([ports, ...defaultRules()], 'wide-any', usage(30), wideFlows), windowDays: 30 },
      opts,
    );
    expect(b.proposed).toMatchObject({ sourceAddresses: ['*'], destinationPorts: ['8443'] });
    expect(b.narrowing).toMatchObject({ keepRemote: true, latePeers: 2, level: 'low' });
    expect(b.reasons.join(' ')).toMatch(/New peers kept appearing late in the window \(67 % of peers\)/);
  });
});
