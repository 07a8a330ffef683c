import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeRule } from '../model/build.js';
import { azDelete, azUpdate, shellQuote } from './az.js';
import { bicepIdent, bicepRule } from './bicep.js';
import { terraformRule } from './terraform.js';

/** Argument names extracted from azure-cli 2.91.0 (see the file's provenance). */
const azArgs = JSON.parse(readFileSync(new URL('./az-nsg-rule-arguments.json', import.meta.url), 'utf8')) as {
  update: { options: string[]; enums: Record<string, string[]> };
  delete: { options: string[] };
};

/** Splits a generated command into `--flag value…` pairs (values never start with `--`). */
function flags(cmd: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let cur = '';
  for (const tok of cmd.split(' ').slice(5)) {
    if (tok.startsWith('--')) {
      cur = tok;
      out.set(cur, []);
    } else out.get(cur)!.push(tok);
  }
  return out;
}

const loc = { resourceGroup: 'rg-web', nsg: 'web-nsg' };
const narrowed = makeRule({
  name: 'allow-app',
  priority: 200,
  protocol: 'Tcp',
  sourceAddresses: ['203.0.113.5/32', '198.51.100.7/32'],
  destinationAddresses: ['10.0.1.4'],
  destinationPorts: ['8443'],
});
const asgRule = makeRule({
  name: 'app-to-db',
  priority: 300,
  direction: 'outbound',
  protocol: '*',
  sourceAddresses: [],
  sourceAsgs: [
    '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/applicationSecurityGroups/app',
  ],
  destinationPorts: ['1433'],
});

describe('az commands', () => {
  it.each([narrowed, asgRule])('update uses only real argument names and enum values (%#)', (rule) => {
    const cmd = azUpdate(loc, rule);
    expect(cmd.startsWith('az network nsg rule update ')).toBe(true);
    for (const [flag, values] of flags(cmd)) {
      expect(azArgs.update.options).toContain(flag);
      const allowed = azArgs.update.enums[flag];
      if (allowed) expect(allowed).toContain(values[0]!.replace(/'/g, ''));
    }
  });

  it('update states every field of the proposed rule', () => {
    const f = flags(azUpdate(loc, narrowed));
    expect(f.get('--source-address-prefixes')).toEqual(['203.0.113.5/32', '198.51.100.7/32']);
    expect(f.get('--destination-port-ranges')).toEqual(['8443']);
    expect(f.get('--source-port-ranges')).toEqual(["'*'"]);
    expect(f.get('--direction')).toEqual(['Inbound']);
    expect(f.get('--protocol')).toEqual(['Tcp']);
  });

  it('ASG rules use --source-asgs, not prefixes', () => {
    const f = flags(azUpdate(loc, asgRule));
    expect(f.has('--source-address-prefixes')).toBe(false);
    expect(f.get('--source-asgs')?.[0]).toMatch(/applicationSecurityGroups\/app$/);
    expect(f.get('--protocol')).toEqual(["'*'"]);
  });

  it('delete uses only real argument names', () => {
    const cmd = azDelete(loc, narrowed);
    expect(cmd).toBe(
      'az network nsg rule delete --resource-group rg-web --nsg-name web-nsg --name allow-app',
    );
    for (const flag of flags(cmd).keys()) expect(azArgs.delete.options).toContain(flag);
  });

  it.each([
    ['*', "'*'"],
    ['10.0.0.0/8', '10.0.0.0/8'],
    ["it's", `'it'\\''s'`],
  ])('shellQuote(%s)', (v, want) => expect(shellQuote(v)).toBe(want));
});

describe('bicep and terraform', () => {
  it('bicep child resource with plural prefixes and singular port', () => {
    const b = bicepRule(loc, narrowed);
    expect(b).toContain(
      "resource allowApp 'Microsoft.Network/networkSecurityGroups/securityRules@2024-05-01' = {",
    );
    expect(b).toContain('  parent: nsg');
    expect(b).toContain(
      "    sourceAddressPrefixes: [\n      '203.0.113.5/32'\n      '198.51.100.7/32'\n    ]",
    );
    expect(b).toContain("    destinationPortRange: '8443'");
    expect(b).toContain("    direction: 'Inbound'");
  });

  it.each([
    ['allow-web_01', 'allowWeb01'],
    ['1st-rule', 'rule1stRule'],
  ])('bicepIdent(%s)', (n, want) => expect(bicepIdent(n)).toBe(want));

  it('terraform azurerm_network_security_rule', () => {
    const t = terraformRule(loc, narrowed);
    expect(t).toContain('resource "azurerm_network_security_rule" "allow_app" {');
    expect(t).toMatch(/source_address_prefixes\s+= \["203.0.113.5\/32", "198.51.100.7\/32"\]/);
    expect(t).toMatch(/destination_port_range\s+= "8443"/);
    expect(t).toMatch(/network_security_group_name\s+= "web-nsg"/);
    expect(terraformRule(loc, asgRule)).toMatch(
      /source_application_security_group_ids\s+= \["\/subscriptions/,
    );
  });
});
