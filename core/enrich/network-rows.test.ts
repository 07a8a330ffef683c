import { describe, expect, it } from 'vitest';
import { NetworkInventorySchema } from '../config/sections/enrich.js';
import { networkRows } from './flow-type.js';

const inv = (x: object) => NetworkInventorySchema.parse(x);
const NO_CONFIG = inv({});

describe('network trie rows: precedence between inventories', () => {
  // Subscription B's ExpressRoute gateway learned A's VNet over the circuit with a customer AS path
  // (so the AS-path rule of arm-learned-routes.ts did not drop it): A's VNet must stay a VNet.
  const a = { source: 'arm:a', inventory: inv({ vnets: [{ name: 'app-a', prefixes: ['10.5.0.0/16'] }] }) };
  const b = {
    source: 'arm:b',
    inventory: inv({
      vnets: [{ name: 'hub-b', prefixes: ['10.0.0.0/16'] }],
      expressRoute: ['10.5.0.0/16', '10.200.0.0/16'],
      siteToSite: ['10.0.0.0/16'],
    }),
  };

  it('a VNet of any import beats another import’s on-premises row of the same prefix, in either order', () => {
    for (const imports of [
      [a, b],
      [b, a],
    ]) {
      const { rows, problems } = networkRows(NO_CONFIG, imports);
      expect(problems).toEqual([]);
      expect(new Map(rows.map(([p, k, n]) => [p, `${k}:${n}`]))).toEqual(
        new Map([
          ['10.5.0.0/16', 'vnet:app-a'],
          ['10.0.0.0/16', 'vnet:hub-b'],
          ['10.200.0.0/16', 'er:on-premises'],
        ]),
      );
    }
  });

  it('config still beats every import, VNet rows included', () => {
    const config = inv({
      siteToSite: ['10.5.0.0/16'],
      vnets: [{ name: 'renamed', prefixes: ['10.200.0.0/16'] }],
    });
    const { rows } = networkRows(config, [a, b]);
    const got = new Map(rows.map(([p, k, n]) => [p, `${k}:${n}`]));
    expect(got.get('10.5.0.0/16')).toBe('s2s:on-premises');
    expect(got.get('10.200.0.0/16')).toBe('vnet:renamed');
  });
});
