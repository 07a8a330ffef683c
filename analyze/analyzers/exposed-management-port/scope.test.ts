import { describe, expect, it } from 'vitest';
import { nsgWith, rdpRule } from '../../../test/harness/nsg-inventory.js';
import { indexNsgs } from '../../rules/join/resolve.js';
import { ExposedManagementPortConfigSchema } from './config.js';
import { ruleScope, sourceKind } from './scope.js';

const scopeConfig = ExposedManagementPortConfigSchema.parse({}).ruleScope;

describe('sourceKind of the allowing rule', () => {
  it.each([
    ['*', ['*'], 'open'],
    ['Internet tag', ['Internet'], 'open'],
    ['0.0.0.0/0', ['0.0.0.0/0'], 'open'],
    ['very wide prefix', ['64.0.0.0/4'], 'open'],
    ['empty source', [], 'open'],
    ['two fixed addresses', ['198.51.100.10', '203.0.113.20'], 'restricted'],
    ['a /24 and a /32', ['198.51.100.0/24', '203.0.113.20/32'], 'restricted'],
    ['an IPv6 /64', ['2001:db8:1:2::/64'], 'restricted'],
    ['an IPv6 /16: very wide', ['2001::/16'], 'open'],
    ['an IPv6 /48: neither', ['2001:db8:1::/48'], 'other'],
    ['a /20: wider than /24, not open', ['198.51.96.0/20'], 'other'],
    ['nine addresses: more than 8', Array.from({ length: 9 }, (_, i) => `198.51.100.${i + 1}`), 'other'],
    ['a service tag', ['AzureCloud'], 'other'],
    ['VirtualNetwork', ['VirtualNetwork'], 'other'],
  ] as [string, string[], string][])('%s → %s', (_name, sources, expected) => {
    expect(sourceKind(rdpRule(sources), scopeConfig)).toBe(expected);
  });

  it('an ASG source is neither open nor restricted', () => {
    expect(sourceKind(rdpRule([], { sourceAsgs: ['/x/asg-admins'] }), scopeConfig)).toBe('other');
  });

  it('the limits are configurable', () => {
    const wide = ExposedManagementPortConfigSchema.parse({
      ruleScope: { restrictedWidestPrefixV4: 20, restrictedMaxEntries: 1 },
    }).ruleScope;
    expect(sourceKind(rdpRule(['198.51.96.0/20']), wide)).toBe('restricted');
    expect(sourceKind(rdpRule(['198.51.100.1', '198.51.100.2']), wide)).toBe('other');
  });
});

describe('ruleScope from the flows rule keys', () => {
  const key = (rule: string) => ['nsg-web', '', 'sub', 'rg', rule, 'user'];
  const index = indexNsgs([
    nsgWith([
      rdpRule(['198.51.100.10', '203.0.113.20']),
      rdpRule(['*'], { name: 'AllowRdpAny', priority: 110 }),
    ]),
  ]);

  it('restricted when every source lies inside the fixed addresses, naming them', () => {
    expect(ruleScope([key('AllowRdp')], ['198.51.100.10', '203.0.113.20'], index, scopeConfig)).toEqual({
      kind: 'restricted',
      rules: ['nsg-web/AllowRdp'],
      allowed: ['198.51.100.10', '203.0.113.20'],
    });
  });

  it('unknown, with a note, when a source lies outside the rule (stale inventory)', () => {
    const s = ruleScope([key('AllowRdp')], ['198.51.100.10', '192.0.2.1'], index, scopeConfig);
    expect(s.kind).toBe('unknown');
    expect(s.kind === 'unknown' && s.note).toContain('192.0.2.1');
  });

  it('open when any allowing rule is open', () => {
    expect(ruleScope([key('AllowRdp'), key('AllowRdpAny')], ['198.51.100.10'], index, scopeConfig).kind).toBe(
      'open',
    );
  });

  it('unknown without an inventory or when the rule is not in it', () => {
    expect(ruleScope([key('AllowRdp')], ['198.51.100.10'], null, scopeConfig).kind).toBe('unknown');
    expect(ruleScope([key('Missing')], ['198.51.100.10'], index, scopeConfig).kind).toBe('unknown');
  });
});
