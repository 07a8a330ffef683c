import type { NetworkSecurityGroup } from '@azure/arm-network';
import { describe, expect, it } from 'vitest';
import { azureNsgLister, classifyAzureError } from './azure.js';
import { pullNsgs } from './sdk.js';

/** SDK objects as `networkSecurityGroups.listAll()` yields them (flattened SecurityRule). */
const sdkNsg: NetworkSecurityGroup = {
  id: '/subscriptions/2222/resourceGroups/rg-app/providers/Microsoft.Network/networkSecurityGroups/app-nsg',
  name: 'app-nsg',
  location: 'eastus',
  securityRules: [
    {
      name: 'MicrosoftDefenderForCloud-JITRule_2017955537_88ABE006EA9C4130BF9065D4405169C7',
      protocol: '*',
      sourceAddressPrefix: '203.0.113.10',
      sourcePortRange: '*',
      destinationAddressPrefix: '10.1.0.4',
      destinationPortRange: '22',
      access: 'Allow',
      priority: 100,
      direction: 'Inbound',
    },
  ],
  defaultSecurityRules: [
    {
      name: 'DenyAllInBound',
      protocol: '*',
      sourceAddressPrefix: '*',
      destinationAddressPrefix: '*',
      sourcePortRange: '*',
      destinationPortRange: '*',
      access: 'Deny',
      priority: 65500,
      direction: 'Inbound',
    },
  ],
};

describe('rules sync mapping', () => {
  it('maps SDK NetworkSecurityGroup objects like file input', async () => {
    async function* listAll() {
      yield sdkNsg;
    }
    const { nsgs, problems } = await pullNsgs({ listAll });
    expect(problems).toEqual([]);
    expect(nsgs[0]).toMatchObject({ name: 'app-nsg', resourceGroup: 'rg-app', subscriptionId: '2222' });
    expect(nsgs[0]!.rules.map((r) => [r.kind, r.name.slice(0, 29), r.destinationPorts])).toEqual([
      ['user', 'MicrosoftDefenderForCloud-JIT', ['22']],
      ['default', 'DenyAllInBound', ['*']],
    ]);
  });

  it('fails clearly without Azure credentials', async () => {
    const lister = azureNsgLister('00000000-0000-0000-0000-000000000000');
    const err = await pullNsgs(lister).then(
      () => null,
      (e: unknown) => classifyAzureError(e),
    );
    expect(err?.name).toBe('PermanentError');
    expect(err?.message).toMatch(/no Azure credentials: sign in with `az login`/);
  }, 60_000);
});
