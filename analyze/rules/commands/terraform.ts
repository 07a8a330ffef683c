import type { NsgRule } from '../model/types.js';
import type { RuleLocation } from './az.js';

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const q = (s: string) => JSON.stringify(s);

export function tfIdent(name: string): string {
  const id = name
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
  return /^[a-z_]/.test(id) ? id : `rule_${id}`;
}

function attr(single: string, plural: string, values: readonly string[]): [string, string] {
  if (values.length <= 1) return [single, q(values[0] ?? '*')];
  return [plural, `[${values.map(q).join(', ')}]`];
}

/**
 * The rule as a Terraform `azurerm_network_security_rule`.
 * @see https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/network_security_rule
 */
export function terraformRule(loc: RuleLocation, rule: NsgRule): string {
  const rows: [string, string][] = [
    ['name', q(rule.name)],
    ['resource_group_name', q(loc.resourceGroup || '<resource-group>')],
    ['network_security_group_name', q(loc.nsg)],
    ['priority', String(rule.priority)],
    ['direction', q(cap(rule.direction))],
    ['access', q(cap(rule.access))],
    ['protocol', q(rule.protocol)],
    attr('source_port_range', 'source_port_ranges', rule.sourcePorts),
    attr('destination_port_range', 'destination_port_ranges', rule.destinationPorts),
    rule.sourceAsgs.length
      ? ['source_application_security_group_ids', `[${rule.sourceAsgs.map(q).join(', ')}]`]
      : attr('source_address_prefix', 'source_address_prefixes', rule.sourceAddresses),
    rule.destinationAsgs.length
      ? ['destination_application_security_group_ids', `[${rule.destinationAsgs.map(q).join(', ')}]`]
      : attr('destination_address_prefix', 'destination_address_prefixes', rule.destinationAddresses),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return [
    `resource "azurerm_network_security_rule" ${q(tfIdent(rule.name))} {`,
    ...rows.map(([k, v]) => `  ${k.padEnd(width)} = ${v}`),
    '}',
  ].join('\n');
}

export function terraformDelete(loc: RuleLocation, rule: NsgRule): string {
  return `# Remove the azurerm_network_security_rule named ${q(rule.name)} (NSG ${q(loc.nsg)}) from the configuration, then terraform plan/apply.`;
}
