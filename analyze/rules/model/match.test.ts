import { describe, expect, it } from 'vitest';
import { defaultRules, makeFlow, makeRule } from './build.js';
import { compileRule, compileRuleSet } from './compile.js';
import { createAddressContext } from './context.js';
import { firstMatchingRule, matches, verdict } from './match.js';
import type { NsgRule } from './types.js';

const ctx = createAddressContext({
  virtualNetwork: ['10.0.0.0/16', 'fd00:1::/48'],
  serviceTags: new Map([['Storage.WestUS', ['20.38.0.0/16', '2603:1030::/40']]]),
  asgMembers: new Map([
    [
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/applicationSecurityGroups/web',
      ['10.0.1.4', '10.0.1.5'],
    ],
  ]),
});

type Case = [string, Partial<NsgRule>, Parameters<typeof makeFlow>[0], boolean];
const cases: Case[] = [
  ['single port', { destinationPorts: ['443'] }, { src: '1.2.3.4', dst: '10.0.0.4', dstPort: 443 }, true],
  [
    'single port miss',
    { destinationPorts: ['443'] },
    { src: '1.2.3.4', dst: '10.0.0.4', dstPort: 444 },
    false,
  ],
  [
    'range low edge',
    { destinationPorts: ['8000-8080'] },
    { src: '1.2.3.4', dst: '10.0.0.4', dstPort: 8000 },
    true,
  ],
  [
    'range high edge',
    { destinationPorts: ['8000-8080'] },
    { src: '1.2.3.4', dst: '10.0.0.4', dstPort: 8080 },
    true,
  ],
  [
    'range outside',
    { destinationPorts: ['8000-8080'] },
    { src: '1.2.3.4', dst: '10.0.0.4', dstPort: 8081 },
    false,
  ],
  [
    'port list',
    { destinationPorts: ['22', '3389', '5985-5986'] },
    { src: '1.2.3.4', dst: '10.0.0.4', dstPort: 5986 },
    true,
  ],
  [
    'comma list in one entry',
    { destinationPorts: ['80,443'] },
    { src: '1.2.3.4', dst: '10.0.0.4', dstPort: 443 },
    true,
  ],
  [
    'source port restricted',
    { sourcePorts: ['1024-65535'] },
    { src: '1.2.3.4', dst: '10.0.0.4', srcPort: 53, dstPort: 53 },
    false,
  ],
  [
    'wildcard protocol takes UDP',
    { protocol: '*' },
    { src: '1.2.3.4', dst: '10.0.0.4', dstPort: 53, protocol: 17 },
    true,
  ],
  [
    'Tcp rule ignores UDP',
    { protocol: 'Tcp' },
    { src: '1.2.3.4', dst: '10.0.0.4', dstPort: 53, protocol: 17 },
    false,
  ],
  [
    'Icmp covers ICMPv6',
    { protocol: 'Icmp' },
    { src: 'fd00:1::5', dst: 'fd00:1::6', dstPort: 0, protocol: 58 },
    true,
  ],
  ['Esp', { protocol: 'Esp' }, { src: '1.2.3.4', dst: '10.0.0.4', dstPort: 0, protocol: 50 }, true],
  [
    'direction must match',
    { direction: 'outbound' },
    { src: '1.2.3.4', dst: '10.0.0.4', dstPort: 80 },
    false,
  ],
  [
    'CIDR source',
    { sourceAddresses: ['203.0.113.0/24'] },
    { src: '203.0.113.77', dst: '10.0.0.4', dstPort: 80 },
    true,
  ],
  [
    'CIDR source miss',
    { sourceAddresses: ['203.0.113.0/24'] },
    { src: '203.0.114.1', dst: '10.0.0.4', dstPort: 80 },
    false,
  ],
  [
    'bare IP source',
    { sourceAddresses: ['203.0.113.9'] },
    { src: '203.0.113.9', dst: '10.0.0.4', dstPort: 80 },
    true,
  ],
  [
    'prefix list',
    { sourceAddresses: ['198.51.100.0/24', '203.0.113.9'] },
    { src: '198.51.100.1', dst: '10.0.0.4', dstPort: 80 },
    true,
  ],
  [
    'IPv6 CIDR',
    { sourceAddresses: ['2001:db8::/32'] },
    { src: '2001:db8:5::1', dst: 'fd00:1::4', dstPort: 80 },
    true,
  ],
  [
    'IPv6 vs IPv4 rule',
    { sourceAddresses: ['0.0.0.0/1'] },
    { src: '2001:db8::1', dst: 'fd00:1::4', dstPort: 80 },
    false,
  ],
  [
    'Internet tag public',
    { sourceAddresses: ['Internet'] },
    { src: '8.8.8.8', dst: '10.0.0.4', dstPort: 80 },
    true,
  ],
  [
    'Internet tag private',
    { sourceAddresses: ['Internet'] },
    { src: '10.0.3.3', dst: '10.0.0.4', dstPort: 80 },
    false,
  ],
  [
    'VirtualNetwork tag',
    { sourceAddresses: ['VirtualNetwork'] },
    { src: '10.0.9.9', dst: '10.0.0.4', dstPort: 80 },
    true,
  ],
  [
    'VirtualNetwork excludes other private',
    { sourceAddresses: ['VirtualNetwork'] },
    { src: '10.1.0.1', dst: '10.0.0.4', dstPort: 80 },
    false,
  ],
  [
    'VirtualNetwork IPv6',
    { sourceAddresses: ['VirtualNetwork'] },
    { src: 'fd00:1::9', dst: '10.0.0.4', dstPort: 80 },
    true,
  ],
  [
    'AzureLoadBalancer',
    { sourceAddresses: ['AzureLoadBalancer'] },
    { src: '168.63.129.16', dst: '10.0.0.4', dstPort: 80 },
    true,
  ],
  [
    'service tag from file',
    { destinationAddresses: ['storage.westus'], direction: 'outbound' },
    { src: '10.0.0.4', dst: '20.38.1.1', dstPort: 443, direction: 'outbound' },
    true,
  ],
  [
    'unknown service tag never matches',
    { sourceAddresses: ['Sql.EastUS'] },
    { src: '20.38.1.1', dst: '10.0.0.4', dstPort: 1433 },
    false,
  ],
  [
    'ASG with membership',
    {
      destinationAddresses: [],
      destinationAsgs: [
        '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/applicationSecurityGroups/web',
      ],
    },
    { src: '8.8.8.8', dst: '10.0.1.5', dstPort: 80 },
    true,
  ],
  [
    'ASG non-member',
    {
      destinationAddresses: [],
      destinationAsgs: [
        '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/applicationSecurityGroups/web',
      ],
    },
    { src: '8.8.8.8', dst: '10.0.1.6', dstPort: 80 },
    false,
  ],
  [
    'ASG unknown',
    { destinationAddresses: [], destinationAsgs: ['/x/applicationSecurityGroups/db'] },
    { src: '8.8.8.8', dst: '10.0.1.6', dstPort: 80 },
    false,
  ],
];

describe('matches', () => {
  it.each(cases)('%s', (_name, partial, flow, want) => {
    const rule = compileRule(makeRule({ name: 'r', priority: 100, ...partial }), ctx);
    expect(matches(rule, makeFlow(flow))).toBe(want);
  });

  it('lists what it could not resolve', () => {
    const rule = compileRule(
      makeRule({ name: 'r', priority: 100, sourceAddresses: ['Sql.EastUS'], destinationPorts: ['80-'] }),
      ctx,
    );
    expect(rule.unresolved).toEqual(['80-', 'Sql.EastUS']);
  });
});

describe('firstMatchingRule', () => {
  const rules = [
    makeRule({ name: 'deny-bad', priority: 100, access: 'deny', sourceAddresses: ['203.0.113.0/24'] }),
    makeRule({ name: 'allow-web', priority: 200, destinationPorts: ['80', '443'] }),
    makeRule({ name: 'allow-all-tcp', priority: 300 }),
    ...defaultRules(),
  ];
  const set = compileRuleSet(rules, ctx);
  it.each([
    [{ src: '203.0.113.5', dst: '10.0.0.4', dstPort: 443 }, 'deny-bad', 'deny'],
    [{ src: '8.8.8.8', dst: '10.0.0.4', dstPort: 443 }, 'allow-web', 'allow'],
    [{ src: '8.8.8.8', dst: '10.0.0.4', dstPort: 22 }, 'allow-all-tcp', 'allow'],
    [{ src: '8.8.8.8', dst: '10.0.0.4', dstPort: 53, protocol: 17 }, 'DenyAllInBound', 'deny'],
    [{ src: '10.0.0.5', dst: '10.0.0.4', dstPort: 53, protocol: 17 }, 'AllowVnetInBound', 'allow'],
    [
      { src: '168.63.129.16', dst: '10.0.0.4', dstPort: 53, protocol: 17 },
      'AllowAzureLoadBalancerInBound',
      'allow',
    ],
    [
      { src: '10.0.0.4', dst: '8.8.8.8', dstPort: 53, protocol: 17, direction: 'outbound' as const },
      'AllowInternetOutBound',
      'allow',
    ],
  ] as const)('%j → %s', (flow, name, access) => {
    const f = makeFlow(flow);
    expect(firstMatchingRule(set, f)?.rule.name).toBe(name);
    expect(verdict(set, f)).toBe(access);
  });

  it('orders by priority regardless of input order', () => {
    const reversed = compileRuleSet([...rules].reverse(), ctx);
    expect(reversed.map((r) => r.rule.name).slice(0, 3)).toEqual(['deny-bad', 'allow-web', 'allow-all-tcp']);
  });

  it('breaks priority ties deny-first, then by name', () => {
    const tie = compileRuleSet(
      [
        makeRule({ name: 'b-allow', priority: 100 }),
        makeRule({ name: 'a-allow', priority: 100 }),
        makeRule({ name: 'z-deny', priority: 100, access: 'deny' }),
      ],
      ctx,
    );
    expect(tie.map((r) => r.rule.name)).toEqual(['z-deny', 'a-allow', 'b-allow']);
  });

  it('denies when nothing matches', () => {
    expect(verdict([], makeFlow({ src: '1.1.1.1', dst: '10.0.0.4', dstPort: 1 }))).toBe('deny');
  });
});
