import type { NsgRule } from '../model/types.js';

/** Where a rule lives, for commands. */
export interface RuleLocation {
  resourceGroup: string;
  nsg: string;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** POSIX shell quoting: bare when safe, single-quoted otherwise (`*` must not glob). */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9._/:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function target(loc: RuleLocation, rule: string): string[] {
  return [
    '--resource-group',
    shellQuote(loc.resourceGroup || '<resource-group>'),
    '--nsg-name',
    shellQuote(loc.nsg),
    '--name',
    shellQuote(rule),
  ];
}

/**
 * `az network nsg rule delete` / `update`. Argument names are checked in tests against the list
 * extracted from azure-cli 2.91.0 (az-nsg-rule-arguments.json).
 * @see https://learn.microsoft.com/cli/azure/network/nsg/rule#az-network-nsg-rule-update
 */
export function azDelete(loc: RuleLocation, rule: NsgRule): string {
  return ['az network nsg rule delete', ...target(loc, rule.name)].join(' ');
}

export function azUpdate(loc: RuleLocation, rule: NsgRule): string {
  const list = (flag: string, values: readonly string[]) =>
    values.length ? [flag, ...values.map(shellQuote)] : [];
  const parts = [
    'az network nsg rule update',
    ...target(loc, rule.name),
    '--priority',
    String(rule.priority),
    '--direction',
    cap(rule.direction),
    '--access',
    cap(rule.access),
    '--protocol',
    shellQuote(rule.protocol),
    ...list(
      '--source-address-prefixes',
      rule.sourceAsgs.length ? [] : rule.sourceAddresses.length ? rule.sourceAddresses : ['*'],
    ),
    ...list('--source-asgs', rule.sourceAsgs),
    ...list('--source-port-ranges', rule.sourcePorts.length ? rule.sourcePorts : ['*']),
    ...list(
      '--destination-address-prefixes',
      rule.destinationAsgs.length ? [] : rule.destinationAddresses.length ? rule.destinationAddresses : ['*'],
    ),
    ...list('--destination-asgs', rule.destinationAsgs),
    ...list('--destination-port-ranges', rule.destinationPorts.length ? rule.destinationPorts : ['*']),
  ];
  return parts.join(' ');
}
