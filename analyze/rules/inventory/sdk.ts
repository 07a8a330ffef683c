import type { NetworkSecurityGroup } from '@azure/arm-network';
import type { NsgDefinition } from '../model/types.js';
import { parseNsgDocument } from './parse.js';

/**
 * Maps NSGs returned by `@azure/arm-network` (flattened `SecurityRule` objects) through the same
 * validation as files, so SDK and file imports cannot drift apart.
 * @see https://learn.microsoft.com/javascript/api/@azure/arm-network/networksecuritygroups#@azure-arm-network-networksecuritygroups-listall
 */
export function fromSdkNsgs(nsgs: readonly NetworkSecurityGroup[]): {
  nsgs: NsgDefinition[];
  problems: string[];
} {
  // JSON round trip drops class instances and undefined fields: the SDK object becomes plain data.
  return parseNsgDocument(JSON.parse(JSON.stringify(nsgs)), 'azure');
}

/** What `rules sync` needs from the SDK: an async iterable of NSGs (a client or a test double). */
export interface NsgLister {
  listAll(): AsyncIterable<NetworkSecurityGroup>;
}

/** Pulls every NSG of a subscription. I/O edge: errors propagate to the CLI, which classifies them. */
export async function pullNsgs(lister: NsgLister): Promise<{ nsgs: NsgDefinition[]; problems: string[] }> {
  const all: NetworkSecurityGroup[] = [];
  for await (const nsg of lister.listAll()) all.push(nsg);
  return fromSdkNsgs(all);
}
