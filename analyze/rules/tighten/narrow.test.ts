import { describe, expect, it } from 'vitest';
import { ipBytes } from '../../../core/net/ip.js';
import { makeRule } from '../model/build.js';
import { compileRule } from '../model/compile.js';
import { createAddressContext } from '../model/context.js';
import { matches } from '../model/match.js';
import type { NsgRule } from '../model/types.js';
import { DEFAULT_TIGHTEN, type ObservedTuple, tighten } from './narrow.js';

const ctx = createAddressContext({ virtualNetwork: ['10.0.0.0/16'] });
const obs = (src: string, dst: string, dstPort: number, protocol = 6): ObservedTuple => ({
  srcIp: ipBytes(src)!,
  dstIp: ipBytes(dst)!,
  dstPort,
  protocol,
});
const rule = (p: Partial<NsgRule>) => compileRule(makeRule({ name: 'r', priority: 200, ...p }), ctx);

type Case = [string, Partial<NsgRule>, ObservedTuple[], Partial<NsgRule> | null, string[]];
const cases: Case[] = [
  [
    'wide port range used on one port by two sources',
    { destinationPorts: ['8000-8999'], destinationAddresses: ['10.0.1.4'] },
    [obs('203.0.113.5', '10.0.1.4', 8443), obs('198.51.100.7', '10.0.1.4', 8443)],
    {
      sourceAddresses: ['198.51.100.7/32', '203.0.113.5/32'],
      destinationPorts: ['8443'],
      destinationAddresses: ['10.0.1.4'],
    },
    ['sources', 'ports'],
  ],
  [
    'any/any: remote side, ports and protocol narrowed, local side kept',
    { protocol: '*' },
    [obs('203.0.113.5', '10.0.1.4', 443)],
    {
      sourceAddresses: ['203.0.113.5/32'],
      destinationAddresses: ['*'],
      destinationPorts: ['443'],
      protocol: 'Tcp',
    },
    ['sources', 'ports', 'protocol'],
  ],
  [
    'already tight rule stays',
    { sourceAddresses: ['203.0.113.5'], destinationAddresses: ['10.0.1.4'], destinationPorts: ['443'] },
    [obs('203.0.113.5', '10.0.1.4', 443)],
    null,
    [],
  ],
  [
    'subnet-sized source with every port used is not flagged',
    {
      sourceAddresses: ['203.0.113.0/24'],
      destinationAddresses: ['10.0.1.0/24'],
      destinationPorts: ['80', '443'],
    },
    [obs('203.0.113.5', '10.0.1.4', 443), obs('203.0.113.5', '10.0.1.4', 80)],
    null,
    [],
  ],
  [
    'an internal subnet source keeps its scope; only the ports narrow',
    { sourceAddresses: ['10.0.1.0/24'], destinationPorts: ['8000-8999'] },
    [obs('10.0.1.4', '10.0.2.4', 8080), obs('10.0.1.5', '10.0.2.5', 8080)],
    { sourceAddresses: ['10.0.1.0/24'], destinationAddresses: ['*'], destinationPorts: ['8080'] },
    ['ports'],
  ],
  [
    'service tags are kept',
    { sourceAddresses: ['AzureLoadBalancer'], destinationPorts: ['*'] },
    [obs('168.63.129.16', '10.0.1.4', 80)],
    { sourceAddresses: ['AzureLoadBalancer'], destinationPorts: ['80'] },
    ['ports'],
  ],
  [
    'VirtualNetwork without a subnet inventory: ports and protocol narrow, never the sources',
    { sourceAddresses: ['VirtualNetwork'], protocol: '*' },
    [obs('10.0.4.4', '10.0.3.4', 5432)],
    { sourceAddresses: ['VirtualNetwork'], destinationPorts: ['5432'], protocol: 'Tcp' },
    ['ports', 'protocol'],
  ],
  [
    'outbound rules narrow destinations, not sources',
    { direction: 'outbound', destinationAddresses: ['Internet'], destinationPorts: ['443'] },
    [obs('10.0.1.4', '20.38.1.1', 443)],
    { sourceAddresses: ['*'], destinationAddresses: ['20.38.1.1/32'] },
    ['destinations'],
  ],
  [
    'port aggregation never adds ports the rule did not allow',
    {
      sourceAddresses: ['203.0.113.5'],
      destinationAddresses: ['10.0.1.4'],
      destinationPorts: ['1000-1010', '2000-2010', '3000-3999'],
    },
    [obs('203.0.113.5', '10.0.1.4', 1005), obs('203.0.113.5', '10.0.1.4', 3005)],
    { destinationPorts: ['1005', '3005'] },
    ['ports'],
  ],
  [
    'internal (private) address lists are never narrowed to single hosts',
    {
      sourceAddresses: ['10.1.0.0/24', '10.1.2.0/24'],
      destinationPorts: ['22'],
      destinationAddresses: ['10.0.1.4'],
    },
    [obs('10.1.0.5', '10.0.1.4', 22), obs('10.1.2.5', '10.0.1.4', 22)],
    null,
    [],
  ],
  [
    'public address lists are narrowed to the peers seen',
    {
      sourceAddresses: ['198.51.100.0/24', '203.0.113.0/24'],
      destinationPorts: ['22'],
      destinationAddresses: ['10.0.1.4'],
    },
    [obs('198.51.100.5', '10.0.1.4', 22), obs('203.0.113.5', '10.0.1.4', 22)],
    { sourceAddresses: ['198.51.100.5/32', '203.0.113.5/32'] },
    ['sources'],
  ],
];

const t = (x: ReturnType<typeof tighten>): NsgRule => {
  if (!x.proposed) throw new Error('no proposal');
  return x.proposed;
};

describe('tighten', () => {
  it.each(cases)('%s', (_n, current, observed, want, narrowed) => {
    const r = rule(current);
    const t = tighten(r, observed, ctx);
    expect(t.narrowed).toEqual(narrowed);
    if (want === null) expect(t.proposed).toBeNull();
    else expect(t.proposed).toMatchObject(want);
    // Every proposal still allows everything observed.
    if (t.proposed) {
      const p = compileRule(t.proposed, ctx);
      for (const o of observed)
        expect(matches(p, { ...o, srcPort: 50000, direction: p.rule.direction })).toBe(true);
    }
  });

  it('internal sources narrow only to enclosing subnets or the AKS pod CIDR, never to single IPs', () => {
    const scopes = { ...DEFAULT_TIGHTEN, internalScopes: ['10.0.1.0/24', '10.0.4.0/24', '10.244.0.0/16'] };
    const adds = rule({ sourceAddresses: ['VirtualNetwork'], destinationPorts: ['88', '389', '445'] });
    const joined = tighten(
      adds,
      [obs('10.0.1.5', '10.0.3.4', 88), obs('10.0.4.9', '10.0.3.4', 389)],
      ctx,
      scopes,
    );
    expect(t(joined).sourceAddresses).toEqual(['10.0.1.0/24', '10.0.4.0/24']);
    expect(joined.breaks).toMatch(/hosts outside 10.0.1.0\/24, 10.0.4.0\/24/);
    const pods = tighten(
      rule({ sourceAddresses: ['10.0.0.0/8'], destinationPorts: ['9100'] }),
      [obs('10.244.3.17', '10.0.3.4', 9100), obs('10.244.9.2', '10.0.3.4', 9100)],
      ctx,
      scopes,
    );
    expect(t(pods).sourceAddresses).toEqual(['10.244.0.0/16']);
    // A peer outside every known scope: the sources stay as they are.
    const stray = tighten(adds, [obs('10.0.9.9', '10.0.3.4', 88)], ctx, scopes);
    expect(stray.narrowed).not.toContain('sources');
    for (const x of [joined, pods, stray]) {
      expect(x.proposed?.sourceAddresses.some((a) => a.endsWith('/32'))).toBe(false);
    }
  });

  it('says what could break and how confident it is', () => {
    const x = tighten(rule({ destinationPorts: ['8000-8999'] }), [obs('203.0.113.5', '10.0.1.4', 8443)], ctx);
    expect(x.breaks).toBe(
      'Could break: peers other than the 1 address(es) seen and services on ports not seen in the window; ' +
        'low confidence (1 distinct peer(s) observed).',
    );
  });

  it('names what was never used', () => {
    const t = tighten(rule({ destinationPorts: ['8000-8999'] }), [obs('203.0.113.5', '10.0.1.4', 8443)], ctx);
    expect(t.unusedAttributes).toContain('destination ports 8000-8442, 8444-8999');
    expect(t.unusedAttributes[0]).toMatch(/^sources other than 203.0.113.5\/32 \(rule allows \*\)/);
  });

  it('does not widen an address list to meet the prefix cap', () => {
    const r = rule({
      sourceAddresses: ['10.1.0.0/24', '10.1.2.0/24'],
      destinationPorts: ['22'],
      destinationAddresses: ['10.0.1.4'],
    });
    const observed = [obs('10.1.0.5', '10.0.1.4', 22), obs('10.1.2.5', '10.0.1.4', 22)];
    const t = tighten(r, observed, ctx, { ...DEFAULT_TIGHTEN, maxPrefixes: 1 });
    expect(t.narrowed).toEqual([]);
  });

  it('keeps sources that spread too wide', () => {
    const spread = [
      '1.1.1.1',
      '9.9.9.9',
      '77.1.1.1',
      '200.1.1.1',
      '100.1.1.1',
      '45.3.3.3',
      '66.6.6.6',
      '88.8.8.8',
      '99.9.9.9',
    ];
    const t = tighten(
      rule({ destinationPorts: ['443'], destinationAddresses: ['10.0.1.4'] }),
      spread.map((s) => obs(s, '10.0.1.4', 443)),
      ctx,
    );
    expect(t.proposed).toBeNull();
  });
});
