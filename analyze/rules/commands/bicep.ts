import type { NsgRule } from '../model/types.js';
import type { RuleLocation } from './az.js';

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const str = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** A Bicep identifier from a rule name (`allow-web_01` → `allowWeb01`). */
export function bicepIdent(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const id = words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : cap(w))).join('');
  return /^[A-Za-z]/.test(id) ? id : `rule${cap(id)}`;
}

/** Singular property for one value, plural for several (Azure accepts either, not both). */
function prop(single: string, plural: string, values: readonly string[], indent: string): string[] {
  if (values.length <= 1) return [`${indent}${single}: ${str(values[0] ?? '*')}`];
  return [`${indent}${plural}: [`, ...values.map((v) => `${indent}  ${str(v)}`), `${indent}]`];
}

function asgs(key: string, ids: readonly string[], indent: string): string[] {
  return ids.length
    ? [`${indent}${key}: [`, ...ids.map((id) => `${indent}  { id: ${str(id)} }`), `${indent}]`]
    : [];
}

/**
 * The rule as a Bicep child resource of the existing NSG.
 * @see https://learn.microsoft.com/azure/templates/microsoft.network/networksecuritygroups/securityrules?pivots=deployment-language-bicep
 */
export function bicepRule(loc: RuleLocation, rule: NsgRule): string {
  const i = '    ';
  const source = rule.sourceAsgs.length
    ? asgs('sourceApplicationSecurityGroups', rule.sourceAsgs, i)
    : prop('sourceAddressPrefix', 'sourceAddressPrefixes', rule.sourceAddresses, i);
  const dest = rule.destinationAsgs.length
    ? asgs('destinationApplicationSecurityGroups', rule.destinationAsgs, i)
    : prop('destinationAddressPrefix', 'destinationAddressPrefixes', rule.destinationAddresses, i);
  return [
    `resource nsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' existing = {`,
    `  name: ${str(loc.nsg)}`,
    '}',
    '',
    `resource ${bicepIdent(rule.name)} 'Microsoft.Network/networkSecurityGroups/securityRules@2024-05-01' = {`,
    '  parent: nsg',
    `  name: ${str(rule.name)}`,
    '  properties: {',
    `${i}priority: ${rule.priority}`,
    `${i}direction: '${cap(rule.direction)}'`,
    `${i}access: '${cap(rule.access)}'`,
    `${i}protocol: ${str(rule.protocol)}`,
    ...source,
    ...prop('sourcePortRange', 'sourcePortRanges', rule.sourcePorts, i),
    ...dest,
    ...prop('destinationPortRange', 'destinationPortRanges', rule.destinationPorts, i),
    '  }',
    '}',
  ].join('\n');
}

export function bicepDelete(loc: RuleLocation, rule: NsgRule): string {
  return `// Remove security rule ${str(rule.name)} from NSG ${str(loc.nsg)}: delete its securityRules resource (or its entry in the NSG's securityRules array).`;
}
