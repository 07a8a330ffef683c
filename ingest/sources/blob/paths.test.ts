import { describe, expect, it } from 'vitest';
import { hourPrefix, hoursBetween, isYearPrefix, liveHours, parseBlobLocation } from './paths.js';

const nsg =
  'resourceId=/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/NSG1/y=2024/m=08/d=19/h=18/m=00/macAddress=000d3af87856/PT1H.json';
const vnet =
  'flowLogResourceID=/B0D432B7_NETWORKWATCHERRG/NETWORKWATCHER_EASTUS_VNET-EUS-FLOWLOG/y=2026/m=07/d=01/h=00/m=00/macAddress=7CED8D2684E5/PT1H.json';

describe('flow-log blob paths', () => {
  it('parses NSG and VNet names into root, hour and MAC', () => {
    expect(parseBlobLocation(nsg)).toEqual({
      root: nsg.slice(0, nsg.indexOf('y=')),
      hourMs: Date.UTC(2024, 7, 19, 18),
      mac: '000D3AF87856',
    });
    expect(parseBlobLocation(vnet)?.hourMs).toBe(Date.UTC(2026, 6, 1, 0));
    expect(parseBlobLocation('resourceId=/x/y=2024/m=08/d=19/h=18/m=00/PT1H.json')).toBeUndefined();
  });

  it('builds the hour prefix Azure uses (zero-padded)', () => {
    expect(hourPrefix('r/', Date.UTC(2024, 0, 2, 3))).toBe('r/y=2024/m=01/d=02/h=03/');
    expect(nsg.startsWith(hourPrefix(parseBlobLocation(nsg)!.root, Date.UTC(2024, 7, 19, 18)))).toBe(true);
  });

  it('knows the year level and the live hours', () => {
    expect(isYearPrefix('resourceId=/S/NSG1/y=2024/')).toBe(true);
    expect(isYearPrefix('resourceId=/S/NSG1/')).toBe(false);
    const now = Date.UTC(2024, 0, 1, 10, 30);
    expect(liveHours(now)).toEqual([Date.UTC(2024, 0, 1, 9), Date.UTC(2024, 0, 1, 10)]);
    expect(hoursBetween(Date.UTC(2024, 0, 1, 8, 59), now)).toHaveLength(3);
  });
});

describe('parseBlobLocation rejects impossible dates', () => {
  it.each(['m=13/d=01/h=00', 'm=00/d=01/h=00', 'm=01/d=00/h=00', 'm=01/d=01/h=24'])('%s', (date) => {
    const [mm, dd, hh] = date.split('/');
    expect(
      parseBlobLocation(`resourceId=/X/y=2024/${mm}/${dd}/${hh}/m=00/macAddress=000D3AF87856/PT1H.json`),
    ).toBeUndefined();
  });
});
