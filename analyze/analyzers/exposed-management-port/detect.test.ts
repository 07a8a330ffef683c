import { describe, expect, it } from 'vitest';
import { nsgWith, rdpRule } from '../../../test/harness/nsg-inventory.js';
import type { AnalyzerContext } from '../../analyzer.js';
import { NSG_INVENTORY_EXTRA } from '../../rules/inventory/extra.js';
import { emptyContext } from '../../test-context.js';
import { ExposedManagementPortConfigSchema } from './config.js';
import { detectExposure, exposureSeverity, sourceNetworks } from './detect.js';
import type { ExposureRow } from './query.js';

const config = ExposedManagementPortConfigSchema.parse({});
const row = (over: Partial<ExposureRow> = {}): ExposureRow => ({
  ip: '10.0.1.4',
  port: 3389,
  protocol: 6,
  topNsg: 'nsg-web',
  topRule: 'UserRule_AllowRdp',
  ruleKeys: [['nsg-web', '', 'sub', 'rg', 'AllowRdp', 'user']],
  flows: 3,
  sources: 4,
  sourceIps: ['198.51.100.1', '203.0.113.9', '192.0.2.77', '100.20.3.4'],
  established: 0,
  bytes: 0,
  packets: 0,
  firstSeen: '2026-01-01T10:00:00.000Z',
  lastSeen: '2026-01-01T10:05:00.000Z',
  samples: [],
  ...over,
});

describe('exposed-management-port severity', () => {
  it.each([
    ['attempts only', {}, 'medium'],
    ['established session', { established: 1 }, 'high'],
    [
      'many sources',
      { sources: 10, sourceIps: Array.from({ length: 10 }, (_, i) => `198.51.${i}.1`) },
      'high',
    ],
    ['one /24 only, no session', { sources: 2, sourceIps: ['203.0.113.10', '203.0.113.11'] }, 'info'],
    [
      'one /24 only, established',
      { sources: 2, sourceIps: ['203.0.113.10', '203.0.113.11'], established: 2 },
      'low',
    ],
    [
      'two addresses in different networks, established (restrictedSources off by default)',
      { sources: 2, sourceIps: ['198.51.100.1', '203.0.113.9'], established: 2 },
      'high',
    ],
  ] as [string, Partial<ExposureRow>, string][])('%s → %s', (_name, over, expected) => {
    expect(exposureSeverity(row(over), config, 0)).toBe(expected);
  });

  it('with restrictedSources, a few fixed sources are a low restricted exposure named in the title', () => {
    const restricted = ExposedManagementPortConfigSchema.parse({ restrictedSources: 3 });
    const two = row({ sources: 2, sourceIps: ['198.51.100.1', '203.0.113.9'], established: 1 });
    expect(exposureSeverity(two, restricted, 0)).toBe('low');
    const [f] = detectExposure([two], restricted, emptyContext());
    expect(f!.title).toBe(
      'Restricted exposure: RDP (3389/TCP) on 10.0.1.4 reached only from 198.51.100.1, 203.0.113.9',
    );
  });

  it('threat-intel sources raise one step, even from one /24', () => {
    expect(exposureSeverity(row({ established: 1 }), config, 1)).toBe('critical');
    expect(exposureSeverity(row({ sourceIps: ['203.0.113.10'], sources: 1 }), config, 1)).toBe('high');
  });

  it('counts /24 networks (IPv4) and /48 (IPv6)', () => {
    expect(sourceNetworks(['1.2.3.4', '1.2.3.5', '1.2.4.1', '2001:db8:1::1', '2001:db8:1::2'])).toBe(3);
  });

  it('finds one IPv6 /48 however the addresses are written (zero groups hidden by ::)', () => {
    expect(sourceNetworks(['2001:db8::1', '2001:db8:0:5::1', '2001:DB8:0:ffff::9'])).toBe(1);
    expect(sourceNetworks(['2001:db8::1', '2001:db8:1::1'])).toBe(2);
    expect(sourceNetworks(['::ffff:1.2.3.4', '1.2.3.9'])).toBe(1);
  });
});

describe('detectExposure', () => {
  it('drops trusted sources and skips rows with only trusted sources', () => {
    const trusted = ExposedManagementPortConfigSchema.parse({ trustedSources: ['203.0.113.0/24'] });
    const findings = detectExposure(
      [row(), row({ ip: '10.0.1.9', sourceIps: ['203.0.113.4'], sources: 1 })],
      trusted,
      emptyContext(),
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]!.evidence.sources).toEqual(['198.51.100.1', '192.0.2.77', '100.20.3.4']);
    expect(findings[0]!.evidence.distinctPeers).toBe(3);
  });

  it('has a stable fingerprint over host, port and protocol only', () => {
    const [a] = detectExposure([row()], config, emptyContext());
    const [b] = detectExposure(
      [row({ topRule: 'other', flows: 99, lastSeen: '2026-01-02T00:00:00.000Z' })],
      config,
      emptyContext(),
    );
    const [c] = detectExposure([row({ port: 22 })], config, emptyContext());
    expect(a!.id).toBe(b!.id);
    expect(a!.id).not.toBe(c!.id);
    expect(a!.subject).toEqual({
      ip: '10.0.1.4',
      port: 3389,
      protocol: 6,
      nsg: 'nsg-web',
      rule: 'UserRule_AllowRdp',
    });
    expect(a!.title).toContain('RDP (3389/TCP)');
  });
});

describe('severity from the allowing rule in the NSG inventory', () => {
  const corp = ['198.51.100.10', '203.0.113.20'];
  const withInventory = (intel: string[] = []): AnalyzerContext => ({
    ...emptyContext(intel),
    extra: {
      [NSG_INVENTORY_EXTRA]: [
        nsgWith([
          rdpRule(corp),
          rdpRule(['*'], { name: 'AllowRdpAny', priority: 110 }),
          rdpRule(['AzureCloud'], { name: 'AllowRdpTag', priority: 120 }),
        ]),
      ],
    },
  });
  const key = (rule: string) => [['nsg-web', '', 'sub', 'rg', rule, 'user']];
  const many = Array.from({ length: 12 }, (_, i) => `198.51.${i}.1`);

  it.each([
    [
      'fixed addresses, only they seen, sessions',
      { ruleKeys: key('AllowRdp'), sourceIps: corp, sources: 2, established: 5 },
      [],
      'low',
      'restricted',
    ],
    [
      'fixed addresses, one is on a threat list',
      { ruleKeys: key('AllowRdp'), sourceIps: corp, sources: 2 },
      ['203.0.113.20'],
      'medium',
      'restricted',
    ],
    [
      'fixed addresses, a source outside (stale inventory)',
      { ruleKeys: key('AllowRdp'), sourceIps: [...corp, '192.0.2.1'], sources: 3, established: 1 },
      [],
      'high',
      'unknown',
    ],
    [
      '"*" rule, few sources, no session',
      { ruleKeys: key('AllowRdpAny'), sourceIps: ['192.0.2.1'], sources: 1 },
      [],
      'high',
      'open',
    ],
    [
      '"*" rule, one /24 only (no corporate-range guess)',
      { ruleKeys: key('AllowRdpAny'), sourceIps: ['203.0.113.1', '203.0.113.2'], sources: 2 },
      [],
      'high',
      'open',
    ],
    [
      '"*" rule reached by many sources',
      { ruleKeys: key('AllowRdpAny'), sourceIps: many, sources: 12 },
      [],
      'critical',
      'open',
    ],
    [
      '"*" rule, a threat-intel source',
      { ruleKeys: key('AllowRdpAny'), sourceIps: ['192.0.2.1'], sources: 1 },
      ['192.0.2.1'],
      'critical',
      'open',
    ],
    [
      'service tag rule: flows decide (today)',
      { ruleKeys: key('AllowRdpTag'), sourceIps: ['198.51.100.1', '192.0.2.9'], sources: 2 },
      [],
      'medium',
      'unknown',
    ],
    [
      'rule not in the inventory: flows decide (today)',
      { ruleKeys: key('Gone'), sourceIps: corp, sources: 2, established: 1 },
      [],
      'high',
      'unknown',
    ],
  ] as [string, Partial<ExposureRow>, string[], string, string][])(
    '%s → %s',
    (_name, over, intel, severity, scope) => {
      const [f] = detectExposure([row(over)], config, withInventory(intel));
      expect({ severity: f!.severity, scope: f!.evidence.ruleScope }).toEqual({ severity, scope });
    },
  );

  it('a restricted exposure names the allowed addresses and the rule', () => {
    const [f] = detectExposure(
      [row({ ruleKeys: key('AllowRdp'), sourceIps: corp, sources: 2, established: 3 })],
      config,
      withInventory(),
    );
    expect(f!.title).toBe(
      'Restricted exposure: RDP (3389/TCP) on 10.0.1.4 allowed only from 198.51.100.10, 203.0.113.20',
    );
    expect(f!.evidence).toMatchObject({ allowedSources: corp, allowingRules: ['nsg-web/AllowRdp'] });
    expect(f!.reason).toContain('allows only 198.51.100.10, 203.0.113.20');
  });

  it('an open rule says so in the reason and keeps the internet title', () => {
    const [f] = detectExposure([row({ ruleKeys: key('AllowRdpAny') })], config, withInventory());
    expect(f!.title).toBe('RDP (3389/TCP) on 10.0.1.4 is reachable from the internet');
    expect(f!.reason).toContain('rule nsg-web/AllowRdpAny allows any internet source (*)');
  });

  it('a source outside a restricted rule is called out as a possibly stale inventory', () => {
    const [f] = detectExposure(
      [row({ ruleKeys: key('AllowRdp'), sourceIps: [...corp, '192.0.2.1'], sources: 3 })],
      config,
      withInventory(),
    );
    expect(f!.reason).toContain("sources outside the rule's allowed addresses (192.0.2.1)");
    expect(f!.title).toBe('RDP (3389/TCP) on 10.0.1.4 is reachable from the internet');
  });

  it('more sources than listed cannot be proven inside the rule: not restricted', () => {
    const [f] = detectExposure(
      [row({ ruleKeys: key('AllowRdp'), sourceIps: corp, sources: 1500, established: 1 })],
      config,
      withInventory(),
    );
    expect(f!.evidence.ruleScope).toBe('unknown');
    expect(f!.severity).toBe('critical');
  });
});
