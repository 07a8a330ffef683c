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
  return memoArm(id);
}

/**
 * Small string → result caches for the per-record helpers: a blob repeats the same ARM ids, MACs and
 * rules in every minute record, and small blobs (≈ 12 tuples a record) spent a fifth of their
 * normalize time re-deriving them. Results are shared, so callers must treat them as read-only.
 * Bounded: cleared when full, so a stream of distinct ids costs one extra lookup each, never memory.
 */
function memo<T>(fn: (text: string) => T): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    let value = cache.get(text);
    if (value === undefined) {
      value = fn(text);
      if (cache.size >= MEMO_LIMIT) cache.clear();
      cache.set(text, value);
    }
    return value;
  };
}

const MEMO_LIMIT = 4096;

const memoArm = memo(splitArmId);

function splitArmId(id: string): ArmParts | null {
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
  return memoMac(mac);
}

const memoMac = memo((mac) => mac.replace(/[-:.\s]/g, '').toUpperCase());

const AVNM_GUID_SUFFIX = /_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Classifies a logged rule name. NSG rules carry `UserRule_` / `DefaultRule_`; VNet logs add
 * `PlatformRule`, `unspecified`, and Virtual Network Manager admin rules without prefix (sometimes with a
 * `_<guid>` suffix, stripped from `ruleName`). In NSG logs an unprefixed name cannot be AVNM, so it is
 * `unspecified`.
 * @see https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview#log-format
 */
export function classifyRule(rule: string, vnet: boolean): { ruleName: string; ruleKind: RuleKind } {
  return vnet ? memoVnetRule(rule) : memoNsgRule(rule);
}

const memoVnetRule = memo((rule) => splitRule(rule, true));
const memoNsgRule = memo((rule) => splitRule(rule, false));

function splitRule(rule: string, vnet: boolean): { ruleName: string; ruleKind: RuleKind } {
  if (rule.startsWith('UserRule_')) return { ruleName: rule.slice(9), ruleKind: 'user' };
  if (rule.startsWith('DefaultRule_')) return { ruleName: rule.slice(12), ruleKind: 'default' };
  if (rule === 'PlatformRule') return { ruleName: rule, ruleKind: 'platform' };
  if (rule === '' || rule.toLowerCase() === 'unspecified' || !vnet) {
    return { ruleName: rule, ruleKind: 'unspecified' };
  }
  return { ruleName: rule.replace(AVNM_GUID_SUFFIX, ''), ruleKind: 'avnm' };
}

/**
 * A record's `time` → epoch ms, or null when it cannot be read (absent, not a string, unparsable):
 * the caller rejects the record rather than storing 1970-01-01. Reads ISO 8601 (V8 accepts Azure's
 * 7 fractional digits) and the SDN firewall auditing form `YYYYMMDD:LHHMMSSmmm` (Windows Server /
 * Azure Stack HCI), read as UTC: in Microsoft's published sample `20180719:L012620622` carries a
 * tuple stamped 1531963580 = 2018-07-19T01:26:20Z.
 * @see https://learn.microsoft.com/windows-server/networking/sdn/manage/sdn-firewall-auditing
 */
export function recordTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  // Each record's time is read twice (check, then context) and differs from the last record's.
  if (value === lastTime.text) return lastTime.ms;
  const ms = parseRecordTime(value);
  lastTime.text = value;
  lastTime.ms = ms;
  return ms;
}

const lastTime: { text: string; ms: number | null } = { text: '', ms: null };

function parseRecordTime(value: string): number | null {
  // The ISO form first (what Azure writes); it cannot match the SDN form, which has no '-'.
  // Date.parse also takes "2018" or "1": a record time must at least name a day and a time.
  if (ISO_START.test(value)) {
    const ms = Date.parse(value);
    return Number.isFinite(ms) ? ms : null;
  }
  const sdn = SDN_TIME.exec(value);
  if (sdn) {
    const [, y, mo, d, h, mi, sec, ms] = sdn.map(Number) as number[];
    const t = Date.UTC(y!, mo! - 1, d!, h!, mi!, sec!, ms!);
    return new Date(t).getUTCDate() === d && h! < 24 && mi! < 60 && sec! < 60 ? t : null;
  }
  return null;
}

const SDN_TIME = /^(\d{4})(\d{2})(\d{2}):L(\d{2})(\d{2})(\d{2})(\d{3})$/;
const ISO_START = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
