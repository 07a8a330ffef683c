import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/harness/fixtures.js';
import { parseNsgDocument, parseNsgText } from './parse.js';

const armExample = () =>
  parseNsgText(fixture('azure-rest-api-specs_2024-05-01_NetworkSecurityGroupGet.json').toString(), 'example');

/** `az network nsg show -o json` shape: rule fields flattened, plural lists `[]`, singular null. */
const azCli = {
  name: 'web-nsg',
  id: '/subscriptions/1111/resourceGroups/RG-Web/providers/Microsoft.Network/networkSecurityGroups/web-nsg',
  location: 'westeurope',
  resourceGroup: 'RG-Web',
  resourceGuid: '5f8f1b7e-3c11-4f49-9a4c-0f5bb9b2a001',
  securityRules: [
    {
      name: 'allow-https',
      access: 'Allow',
      direction: 'Inbound',
      priority: 100,
      protocol: 'Tcp',
      sourceAddressPrefix: null,
      sourceAddressPrefixes: ['203.0.113.0/24', '198.51.100.7'],
      sourcePortRange: '*',
      sourcePortRanges: [],
      destinationAddressPrefix: '*',
      destinationAddressPrefixes: [],
      destinationPortRange: null,
      destinationPortRanges: ['443', '8443-8445'],
      resourceGroup: 'RG-Web',
    },
    {
      name: 'app-to-db',
      access: 'Allow',
      direction: 'Outbound',
      priority: 110,
      protocol: 'TCP',
      sourceApplicationSecurityGroups: [
        {
          id: '/subscriptions/1111/resourceGroups/RG-Web/providers/Microsoft.Network/applicationSecurityGroups/app',
        },
      ],
      destinationApplicationSecurityGroups: [
        {
          id: '/subscriptions/1111/resourceGroups/RG-Web/providers/Microsoft.Network/applicationSecurityGroups/db',
        },
      ],
      sourcePortRange: '*',
      destinationPortRange: '1433',
    },
  ],
  defaultSecurityRules: [],
};

describe('parseNsgDocument', () => {
  it('reads the ARM REST example (rules under properties, default rules)', () => {
    const { nsgs, problems } = armExample();
    expect(problems).toEqual([]);
    expect(nsgs).toHaveLength(1);
    const nsg = nsgs[0]!;
    expect(nsg).toMatchObject({
      name: 'testnsg',
      resourceGroup: 'rg1',
      subscriptionId: 'subid',
      location: 'westus',
    });
    expect(nsg.rules.filter((r) => r.kind === 'user').map((r) => r.name)).toEqual(['rule1']);
    expect(nsg.rules.filter((r) => r.kind === 'default')).toHaveLength(6);
    expect(nsg.rules[0]).toMatchObject({
      protocol: '*',
      priority: 130,
      access: 'allow',
      direction: 'inbound',
      destinationPorts: ['80'],
      sourceAddresses: ['*'],
    });
  });

  it('reads az CLI output (flattened, plural fields, ASGs, upper-case protocol)', () => {
    const { nsgs, problems } = parseNsgDocument(azCli);
    expect(problems).toEqual([]);
    const [https, db] = nsgs[0]!.rules;
    expect(nsgs[0]!.resourceGuid).toBe('5f8f1b7e-3c11-4f49-9a4c-0f5bb9b2a001');
    expect(https).toMatchObject({
      sourceAddresses: ['203.0.113.0/24', '198.51.100.7'],
      destinationPorts: ['443', '8443-8445'],
      sourcePorts: ['*'],
    });
    expect(db).toMatchObject({
      protocol: 'Tcp',
      direction: 'outbound',
      sourceAddresses: [],
      destinationPorts: ['1433'],
    });
    expect(db!.sourceAsgs[0]).toMatch(/applicationSecurityGroups\/app$/);
  });

  it.each([
    ['an array', [azCli, azCli]],
    ['a REST list', { value: [azCli, azCli] }],
  ])('accepts %s', (_n, doc) => {
    expect(parseNsgDocument(doc).nsgs).toHaveLength(2);
  });

  it('keeps good rules and lists bad ones with where they were', () => {
    const bad = {
      ...azCli,
      securityRules: [
        ...azCli.securityRules,
        { name: 'broken', access: 'Maybe', direction: 'Inbound', priority: 'x', protocol: 'Gre' },
        { priority: 1 },
      ],
    };
    const { nsgs, problems } = parseNsgDocument(bad, 'f.json');
    expect(nsgs[0]!.rules.map((r) => r.name)).toEqual(['allow-https', 'app-to-db']);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      /web-nsg: user rule #2 \(broken\): invalid protocol "Gre", priority "x", access "Maybe"/,
    );
    expect(problems[1]).toMatch(/user rule #3: name/);
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['no NSGs', '[]', /no NSG definitions/],
    ['NSG without name', '[{"id":"x"}]', /NSG #0: name/],
  ])('reports %s', (_n, text, want) => {
    const r = parseNsgText(text, 'in.json');
    expect(r.nsgs).toEqual([]);
    expect(r.problems[0]).toMatch(want);
  });
});
