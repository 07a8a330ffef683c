import { isArmId, parseArmId } from '../inventory/arm-id.js';
import type { InventoryNsg } from '../inventory/load.js';
import type { NsgRule } from '../model/types.js';

/** The identifying columns of a group of flows (`flows` table). */
export interface FlowKey {
  nsg: string;
  aclId: string;
  subscriptionId: string;
  resourceGroup: string;
  ruleName: string;
  /** `user` | `default` | `platform` | `avnm` | `unspecified`. */
  ruleKind: string;
}

export interface NsgIndex {
  byId: Map<string, InventoryNsg>;
  byGuid: Map<string, InventoryNsg>;
  byName: Map<string, InventoryNsg[]>;
  all: InventoryNsg[];
}

export function indexNsgs(nsgs: readonly InventoryNsg[]): NsgIndex {
  const index: NsgIndex = { byId: new Map(), byGuid: new Map(), byName: new Map(), all: [...nsgs] };
  for (const n of nsgs) {
    if (n.id) index.byId.set(n.id.toLowerCase(), n);
    if (n.resourceGuid) index.byGuid.set(n.resourceGuid.toLowerCase(), n);
    const name = n.name.toLowerCase();
    index.byName.set(name, [...(index.byName.get(name) ?? []), n]);
  }
  return index;
}

/**
 * Which NSG logged these flows. VNet logs name it by `aclID` (the NSG ARM id in real data, a GUID
 * in Microsoft's examples → `resourceGuid`); NSG logs by the name from `resourceId`, upper-cased by
 * Azure, so names compare case-insensitively, disambiguated by resource group and subscription, and
 * matched as a prefix when the log truncated a long name.
 * @see https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview#log-format
 */
export function resolveNsg(key: FlowKey, index: NsgIndex): InventoryNsg | null {
  const acl = key.aclId.toLowerCase();
  if (acl && isArmId(acl)) return index.byId.get(acl) ?? byName(parseArmId(acl).nsgName, key, index);
  if (acl) {
    const byGuid = index.byGuid.get(acl);
    if (byGuid) return byGuid;
  }
  return byName(key.nsg, key, index) ?? index.byGuid.get(key.nsg.toLowerCase()) ?? null;
}

function byName(name: string, key: FlowKey, index: NsgIndex): InventoryNsg | null {
  const lower = name.toLowerCase();
  if (!lower) return null;
  let candidates = index.byName.get(lower) ?? [];
  if (!candidates.length) candidates = index.all.filter((n) => n.name.toLowerCase().startsWith(lower));
  return disambiguate(candidates, key);
}

function disambiguate(candidates: InventoryNsg[], key: FlowKey): InventoryNsg | null {
  if (candidates.length <= 1) return candidates[0] ?? null;
  const same = (a: string, b: string) => !a || !b || a.toLowerCase() === b.toLowerCase();
  const fit = candidates.filter(
    (n) => same(n.resourceGroup, key.resourceGroup) && same(n.subscriptionId, key.subscriptionId),
  );
  return fit.length === 1 ? fit[0]! : null;
}

/**
 * Which rule: `UserRule_x` → `securityRules` named x, `DefaultRule_x` → `defaultSecurityRules`;
 * case-insensitive; a logged name that is a unique prefix of a rule name matches (truncation).
 */
export function resolveRule(nsg: InventoryNsg, key: FlowKey): NsgRule | null {
  if (key.ruleKind !== 'user' && key.ruleKind !== 'default') return null;
  const pool = nsg.rules.filter((r) => r.kind === key.ruleKind);
  const lower = key.ruleName.toLowerCase();
  if (!lower) return null;
  const exact = pool.find((r) => r.name.toLowerCase() === lower);
  if (exact) return exact;
  const prefixed = pool.filter((r) => r.name.toLowerCase().startsWith(lower));
  return prefixed.length === 1 ? prefixed[0]! : null;
}
