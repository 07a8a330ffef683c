import type { RuleKind } from '../../core/flow/context.js';

/**
 * Small pure helpers that turn Azure identifiers as logged into the normalized context fields.
 * @see https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
 */

export interface ArmParts {
  subscriptionId: string;
  resourceGroup: string;
  /** Name of the `networkSecurityGroups` resource, '' when the id names something else. */
  nsg: string;
}

/**
 * Splits an ARM id (`/subscriptions/{sub}/resourceGroups/{rg}/providers/…/networkSecurityGroups/{name}`).
 * Segment names match case-insensitively because NSG logs upper-case the whole id; the values are
 * lower-cased so NSG logs (upper-case) and VNet logs (original case) join on equal strings. Empty
 * segments (the `//` seen in a Microsoft tutorial sample) are skipped.
 */
export function parseArmId(id: string): ArmParts | null {
  const parts = id.split('/').filter((p) => p.length > 0);
  let subscriptionId = '';
  let resourceGroup = '';
  let nsg = '';
  for (let i = 0; i + 1 < parts.length; i++) {
    const key = parts[i]!.toLowerCase();
    const value = parts[i + 1]!.toLowerCase();
    if (key === 'subscriptions') subscriptionId = value;
    else if (key === 'resourcegroups') resourceGroup = value;
    else if (key === 'networksecuritygroups') nsg = value;
  }
  return subscriptionId ? { subscriptionId, resourceGroup, nsg } : null;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ZERO_GUID = '00000000-0000-0000-0000-000000000000';

export function isGuid(text: string): boolean {
  return GUID.test(text);
}

/**
 * The NSG a VNet `aclID` names: the NSG ARM id in real data, a GUID in the docs, the all-zero GUID for
 * platform traffic and `unspecified` for encryption drops. The last two name no NSG and give ''.
 * @see https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview#log-format
 */
export function aclNsg(aclId: string): { nsg: string; arm: ArmParts | null } {
  if (aclId.startsWith('/')) {
    const arm = parseArmId(aclId);
    return { nsg: arm?.nsg ?? '', arm };
  }
  if (aclId === ZERO_GUID || !isGuid(aclId)) return { nsg: '', arm: null };
  return { nsg: aclId.toLowerCase(), arm: null };
}

/** MAC as 12 upper-case hex digits: separators (`-`, `:`, `.`, spaces) removed, case folded. */
export function normalizeMac(mac: string): string {
  return mac.replace(/[-:.\s]/g, '').toUpperCase();
}

const AVNM_GUID_SUFFIX = /_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Classifies a logged rule name. NSG rules carry `UserRule_` / `DefaultRule_`; VNet logs add
 * `PlatformRule`, `unspecified`, and Virtual Network Manager admin rules without prefix (sometimes with a
 * `_<guid>` suffix, stripped from `ruleName`). In NSG logs an unprefixed name cannot be AVNM, so it is
 * `unspecified`.
 * @see https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview#log-format
 */
export function classifyRule(rule: string, vnet: boolean): { ruleName: string; ruleKind: RuleKind } {
  if (rule.startsWith('UserRule_')) return { ruleName: rule.slice(9), ruleKind: 'user' };
  if (rule.startsWith('DefaultRule_')) return { ruleName: rule.slice(12), ruleKind: 'default' };
  if (rule === 'PlatformRule') return { ruleName: rule, ruleKind: 'platform' };
  if (rule === '' || rule.toLowerCase() === 'unspecified' || !vnet) {
    return { ruleName: rule, ruleKind: 'unspecified' };
  }
  return { ruleName: rule.replace(AVNM_GUID_SUFFIX, ''), ruleKind: 'avnm' };
}

/** ISO-8601 record time → epoch ms; 0 when absent or unparsable (V8 accepts the 7 fractional digits). */
export function recordTime(value: unknown): number {
  if (typeof value !== 'string') return 0;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : 0;
}
