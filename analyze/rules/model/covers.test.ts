import { describe, expect, it } from 'vitest';
import { makeRule } from './build.js';
import { compileRule } from './compile.js';
import { createAddressContext } from './context.js';
import { ruleCovers } from './covers.js';
import type { NsgRule } from './types.js';

const ctx = createAddressContext({ virtualNetwork: ['10.0.0.0/16'] });
const c = (p: Partial<NsgRule>) => compileRule(makeRule({ name: 'r', priority: 100, ...p }), ctx);

describe('ruleCovers', () => {
  it.each([
    ['any covers a CIDR', {}, { sourceAddresses: ['1.2.3.0/24'] }, true],
    [
      'wider CIDR covers narrower',
      { sourceAddresses: ['1.2.0.0/16'] },
      { sourceAddresses: ['1.2.3.0/24', '1.2.9.9'] },
      true,
    ],
    [
      'narrower does not cover wider',
      { sourceAddresses: ['1.2.3.0/24'] },
      { sourceAddresses: ['1.2.0.0/16'] },
      false,
    ],
    [
      'Internet covers a public CIDR',
      { sourceAddresses: ['Internet'] },
      { sourceAddresses: ['8.8.8.0/24'] },
      true,
    ],
    [
      'Internet does not cover private',
      { sourceAddresses: ['Internet'] },
      { sourceAddresses: ['192.168.1.0/24'] },
      false,
    ],
    [
      'CIDR does not cover Internet',
      { sourceAddresses: ['8.0.0.0/8'] },
      { sourceAddresses: ['Internet'] },
      false,
    ],
    ['port range covers list', { destinationPorts: ['1-1024'] }, { destinationPorts: ['22', '80'] }, true],
    [
      'port list does not cover range',
      { destinationPorts: ['22', '80'] },
      { destinationPorts: ['20-25'] },
      false,
    ],
    ['* protocol covers Tcp', { protocol: '*' }, { protocol: 'Tcp' }, true],
    ['Udp does not cover Tcp', { protocol: 'Udp' }, { protocol: 'Tcp' }, false],
    ['directions differ', { direction: 'outbound' }, {}, false],
    ['same unknown tag covers', { sourceAddresses: ['Sql'] }, { sourceAddresses: ['sql'] }, true],
    [
      'unknown tag not covered by CIDR',
      { sourceAddresses: ['20.0.0.0/8'] },
      { sourceAddresses: ['Sql'] },
      false,
    ],
  ] as [string, Partial<NsgRule>, Partial<NsgRule>, boolean][])('%s', (_n, outer, inner, want) => {
    expect(ruleCovers(c(outer), c(inner))).toBe(want);
  });
});
