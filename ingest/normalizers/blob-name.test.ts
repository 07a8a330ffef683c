import { describe, expect, it } from 'vitest';
import { parseBlobName } from './blob-name.js';

const TIME = 'y=2024/m=08/d=19/h=18/m=00/macAddress=000D3AF87856/PT1H.json';

describe('parseBlobName', () => {
  it('parses the documented NSG path (also as a full URL with container)', () => {
    const name = `resourceId=/SUBSCRIPTIONS/AAAA0A0A-BB1B-CC2C-DD3D-EEEEEE4E4E4E/RESOURCEGROUPS/FABRIKAMRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/FABRIAKMVM1-NSG/${TIME}`;
    const want = {
      kind: 'nsg',
      subscriptionId: 'aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e',
      resourceGroup: 'fabrikamrg',
      nsg: 'fabriakmvm1-nsg',
      year: 2024,
      month: 8,
      day: 19,
      hour: 18,
      mac: '000D3AF87856',
    };
    expect(parseBlobName(name)).toEqual(want);
    const url = `https://acct.blob.core.windows.net/insights-logs-networksecuritygroupflowevent/${name}`;
    expect(parseBlobName(url)).toEqual(want);
  });

  it('parses VNet shape 1 (full flow-log ARM id)', () => {
    const name = `flowLogResourceID=/SUBSCRIPTIONS/C088DC46-D692-42AD-A4B6-9A542D28AD2A/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_WESTUS/FLOWLOGS/VNETFLOWLOG/${TIME}`;
    expect(parseBlobName(name)).toMatchObject({
      kind: 'vnet',
      subscriptionId: 'c088dc46-d692-42ad-a4b6-9a542d28ad2a',
      resourceGroup: 'networkwatcherrg',
      flowLog: 'VNETFLOWLOG',
      hour: 18,
      mac: '000D3AF87856',
    });
  });

  it('parses VNet shape 2 (portal: {sub}_NETWORKWATCHERRG/NETWORKWATCHER_{region}_{res}-{rg}-FLOWLOGS)', () => {
    const name = `flowLogResourceID=/c088dc46-d692-42ad-a4b6-9a542d28ad2a_NETWORKWATCHERRG/NETWORKWATCHER_eastus_myVNet-myRg-FLOWLOGS/${TIME}`;
    expect(parseBlobName(name)).toMatchObject({
      kind: 'vnet',
      subscriptionId: 'c088dc46-d692-42ad-a4b6-9a542d28ad2a',
      resourceGroup: 'networkwatcherrg',
      flowLog: 'myVNet-myRg-FLOWLOGS',
    });
  });

  it('parses VNet shape 3 (upper-case, as seen in the wild)', () => {
    const name =
      'flowLogResourceID=/B0D432B7-1111-2222-3333-444455556666_NETWORKWATCHERRG/NETWORKWATCHER_SWEDENCENTRAL_VNET-ALZ-COMMON-FLOWLOG/y=2026/m=08/d=05/h=14/m=00/macAddress=7CED8D2684E5/PT1H.json';
    expect(parseBlobName(name)).toEqual({
      kind: 'vnet',
      subscriptionId: 'b0d432b7-1111-2222-3333-444455556666',
      resourceGroup: 'networkwatcherrg',
      flowLog: 'VNET-ALZ-COMMON-FLOWLOG',
      year: 2026,
      month: 8,
      day: 5,
      hour: 14,
      mac: '7CED8D2684E5',
    });
  });

  it('normalizes a lower-case or separated MAC', () => {
    const name = `flowLogResourceID=/B0D432B7-1111-2222-3333-444455556666_NETWORKWATCHERRG/NETWORKWATCHER_X_Y/y=2026/m=08/d=05/h=14/m=00/macAddress=7c-ed-8d-26-84-e5/PT1H.json`;
    expect(parseBlobName(name)?.mac).toBe('7CED8D2684E5');
  });

  it.each([
    ['not a flow-log path', 'foo/bar.json'],
    [
      'no PT1H.json',
      'resourceId=/SUBSCRIPTIONS/A/RESOURCEGROUPS/B/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/C/y=2024/m=08/d=19/h=18/m=00/macAddress=000D3AF87856/x.json',
    ],
    [
      'month 13',
      `resourceId=/SUBSCRIPTIONS/A/RESOURCEGROUPS/B/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/C/y=2024/m=13/d=19/h=18/m=00/macAddress=000D3AF87856/PT1H.json`,
    ],
    [
      'hour 24',
      `resourceId=/SUBSCRIPTIONS/A/RESOURCEGROUPS/B/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/C/y=2024/m=12/d=19/h=24/m=00/macAddress=000D3AF87856/PT1H.json`,
    ],
    ['NSG path without an NSG segment', `resourceId=/SUBSCRIPTIONS/A/RESOURCEGROUPS/B/${TIME}`],
    ['VNet path of an unknown shape', `flowLogResourceID=/something/${TIME}`],
  ])('returns null for %s', (_label, name) => {
    expect(parseBlobName(name)).toBeNull();
  });
});
