import type { GatewayRoute } from '@azure/arm-network';
import { describe, expect, it } from 'vitest';
import { describeSkippedRoutes, onPremisesRoutes, prefixSkipReason } from './arm-learned-routes.js';

const ebgp = (network: string, asPath = '12076-65020'): GatewayRoute => ({ network, origin: 'EBgp', asPath });

describe('ExpressRoute learned routes → on-premises prefixes', () => {
  it('keeps on-premises routes and leaves out default, short public and Azure-only routes, counting each', () => {
    const r = onPremisesRoutes([
      ebgp('10.200.0.0/16'),
      ebgp('172.16.0.0/12', '12076 65020 65020'), // space-separated, prepended
      ebgp('198.51.100.0/24'), // public space the organisation owns: long enough to keep
      ebgp('2001:db8:1000::/48'), // IPv6 on-premises (public unicast, /48 ≥ /32)
      ebgp('0.0.0.0/0'), // forced tunnelling
      ebgp('::/0'),
      ebgp('128.0.0.0/1'), // half a split default route
      ebgp('20.0.0.0/8'), // covers public space, shorter than /16
      ebgp('2000::/3'),
      ebgp('10.6.0.0/16', '12076'), // another subscription's VNet on the same circuit
      ebgp('10.7.0.0/16', '12076-12076-65515'),
      ebgp('10.200.0.0/16'), // learned by a second gateway: one prefix
      { network: '10.0.0.0/16', origin: 'Network' }, // the gateway's own VNet
      { network: '10.9.0.0/16', origin: 'IBgp', asPath: '65020' },
    ]);
    expect(r.prefixes).toEqual(['10.200.0.0/16', '172.16.0.0/12', '198.51.100.0/24', '2001:db8:1000::/48']);
    expect(r.skipped).toEqual({ defaultRoute: 2, publicShort: 3, azureOnly: 2 });
    expect(describeSkippedRoutes(r.skipped)).toBe(
      'ExpressRoute learned routes not imported as on-premises: 2 default routes, 3 reaching public space ' +
        'shorter than /16 (IPv6 /32), 2 with only Microsoft ASNs in the AS path (Azure VNets on the circuit)',
    );
  });

  it('a private summary of any length stays; an empty AS path is not Azure-only; nothing left out says nothing', () => {
    const r = onPremisesRoutes([ebgp('10.0.0.0/8'), ebgp('100.64.0.0/10'), ebgp('fd00::/8', '')]);
    expect(r.prefixes).toEqual(['10.0.0.0/8', '100.64.0.0/10', 'fd00::/8']);
    expect(describeSkippedRoutes(r.skipped)).toBeUndefined();
  });

  it('judges a prefix by its range alone (also for prefixes carried over from an older import)', () => {
    expect(prefixSkipReason('0.0.0.0/0')).toBe('defaultRoute');
    expect(prefixSkipReason('0.0.0.0/1')).toBe('publicShort');
    expect(prefixSkipReason('52.0.0.0/15')).toBe('publicShort');
    expect(prefixSkipReason('52.0.0.0/16')).toBeUndefined();
    expect(prefixSkipReason('2001:db8::/31')).toBe('publicShort');
    expect(prefixSkipReason('192.168.0.0/16')).toBeUndefined();
    expect(prefixSkipReason('not a prefix')).toBeUndefined(); // reported when the trie is built
  });
});
