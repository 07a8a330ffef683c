import { describe, expect, it } from 'vitest';
import type { InventoryNsg } from '../inventory/load.js';
import { defaultRules, makeRule } from '../model/build.js';
import { type FlowKey, indexNsgs, resolveNsg, resolveRule } from './resolve.js';

const longName = 'MicrosoftDefenderForCloud-JITRule_2017955537_88ABE006EA9C4130BF9065D4405169C7';
const nsg = (name: string, rg: string, guid: string): InventoryNsg => ({
  key: '',
  snapshotId: '',
  validFrom: '',
  ruleSince: new Map(),
  id: `/subscriptions/sub1/resourceGroups/${rg}/providers/Microsoft.Network/networkSecurityGroups/${name}`,
  name,
  resourceGroup: rg,
  subscriptionId: 'sub1',
  resourceGuid: guid,
  location: 'westeurope',
  rules: [
    makeRule({ name: 'allow-web', priority: 100 }),
    makeRule({ name: 'allow-web-admin', priority: 110 }),
    makeRule({ name: longName, priority: 90 }),
    ...defaultRules(),
  ],
});
const a = nsg('web-nsg', 'rg-a', '11111111-1111-1111-1111-111111111111');
const b = nsg('web-nsg', 'rg-b', '22222222-2222-2222-2222-222222222222');
const c = nsg(
  'a-very-long-network-security-group-name-that-azure-truncates-in-the-flow-logs-abcdefgh',
  'rg-a',
  '',
);
const index = indexNsgs([a, b, c]);
const key = (k: Partial<FlowKey>): FlowKey => ({
  nsg: '',
  aclId: '',
  subscriptionId: 'sub1',
  resourceGroup: '',
  ruleName: 'allow-web',
  ruleKind: 'user',
  ...k,
});

describe('resolveNsg', () => {
  it.each([
    ['NSG log name, upper-case, with resource group', key({ nsg: 'WEB-NSG', resourceGroup: 'RG-B' }), b],
    ['ambiguous name without resource group', key({ nsg: 'WEB-NSG' }), null],
    ['VNet aclID as ARM id, any case', key({ aclId: a.id.toUpperCase(), nsg: 'WEB-NSG' }), a],
    [
      'VNet aclID as resourceGuid',
      key({ aclId: '22222222-2222-2222-2222-222222222222', nsg: '22222222-2222-2222-2222-222222222222' }),
      b,
    ],
    ['truncated NSG name', key({ nsg: c.name.slice(0, 80).toUpperCase() }), c],
    ['unknown NSG', key({ nsg: 'OTHER' }), null],
    [
      'all-zero platform aclID',
      key({ aclId: '00000000-0000-0000-0000-000000000000', nsg: '00000000-0000-0000-0000-000000000000' }),
      null,
    ],
  ])('%s', (_n, k, want) => expect(resolveNsg(k, index)).toBe(want));
});

describe('resolveRule', () => {
  it.each([
    ['user rule exact', key({}), 'allow-web'],
    ['case-insensitive', key({ ruleName: 'ALLOW-WEB-ADMIN' }), 'allow-web-admin'],
    ['default rule', key({ ruleName: 'DenyAllInBound', ruleKind: 'default' }), 'DenyAllInBound'],
    ['user name does not hit default rules', key({ ruleName: 'DenyAllInBound' }), null],
    ['truncated JIT name', key({ ruleName: longName.slice(0, 65) }), longName],
    ['ambiguous prefix', key({ ruleName: 'allow-w' }), null],
    ['platform rule', key({ ruleName: 'PlatformRule', ruleKind: 'platform' }), null],
  ])('%s', (_n, k, want) => expect(resolveRule(a, k)?.name ?? null).toBe(want));
});
