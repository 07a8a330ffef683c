import { parseProtocol } from '../model/protocol.js';
import type { NsgDefinition, NsgRule, NsgRuleKind } from '../model/types.js';
import { parseArmId } from './arm-id.js';
import { type RawNsg, type RawRule, RawRuleSchema } from './schema.js';

/** Raw NSG (already validated) → normalized definition; rules that fail validation become problems. */
export function normalizeNsg(raw: RawNsg, problems: string[], origin = 'input'): NsgDefinition {
  const props = raw.properties ?? {};
  const id = raw.id ?? '';
  const parts = parseArmId(id);
  const rules: NsgRule[] = [];
  const add = (list: unknown[] | null | undefined, kind: NsgRuleKind) => {
    for (const [i, item] of (list ?? []).entries()) {
      const rule = normalizeRule(item, kind, `${origin}: ${raw.name}: ${kind} rule #${i}`, problems);
      if (rule) rules.push(rule);
    }
  };
  add(props.securityRules ?? raw.securityRules, 'user');
  add(props.defaultSecurityRules ?? raw.defaultSecurityRules, 'default');
  return {
    id,
    name: raw.name,
    resourceGroup: raw.resourceGroup ?? parts.resourceGroup,
    subscriptionId: parts.subscriptionId,
    resourceGuid: props.resourceGuid ?? raw.resourceGuid ?? '',
    location: raw.location ?? '',
    rules,
  };
}

/** One rule, nested or flattened, singular or plural fields merged. */
export function normalizeRule(
  item: unknown,
  kind: NsgRuleKind,
  where: string,
  problems: string[],
): NsgRule | null {
  const parsed = RawRuleSchema.safeParse(item);
  if (!parsed.success) {
    problems.push(
      `${where}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
    return null;
  }
  const r: RawRule = parsed.data;
  const f = { ...r, ...(r.properties ?? {}) };
  const protocol = parseProtocol(f.protocol ?? '');
  const priority = Number(f.priority);
  const access = f.access?.toLowerCase();
  const direction = f.direction?.toLowerCase();
  const bad: string[] = [];
  if (!protocol) bad.push(`protocol ${JSON.stringify(f.protocol)}`);
  if (!Number.isInteger(priority)) bad.push(`priority ${JSON.stringify(f.priority)}`);
  if (access !== 'allow' && access !== 'deny') bad.push(`access ${JSON.stringify(f.access)}`);
  if (direction !== 'inbound' && direction !== 'outbound')
    bad.push(`direction ${JSON.stringify(f.direction)}`);
  if (bad.length || !protocol || (access !== 'allow' && access !== 'deny')) {
    problems.push(`${where} (${r.name}): invalid ${bad.join(', ')}`);
    return null;
  }
  return {
    name: r.name,
    kind,
    priority,
    direction: direction === 'outbound' ? 'outbound' : 'inbound',
    access,
    protocol,
    sourcePorts: merge(f.sourcePortRange, f.sourcePortRanges),
    destinationPorts: merge(f.destinationPortRange, f.destinationPortRanges),
    sourceAddresses: merge(f.sourceAddressPrefix, f.sourceAddressPrefixes),
    destinationAddresses: merge(f.destinationAddressPrefix, f.destinationAddressPrefixes),
    sourceAsgs: asgIds(f.sourceApplicationSecurityGroups),
    destinationAsgs: asgIds(f.destinationApplicationSecurityGroups),
    description: f.description ?? '',
  };
}

/** Singular and plural are alternatives; responses often carry the unused one as `[]` or absent. */
function merge(single: string | null | undefined, list: string[] | null | undefined): string[] {
  const out = [...(list ?? [])];
  if (single && !out.includes(single)) out.unshift(single);
  return out;
}

function asgIds(
  list: { id?: string | null | undefined; name?: string | null | undefined }[] | null | undefined,
): string[] {
  return (list ?? []).map((a) => a.id ?? a.name ?? '').filter(Boolean);
}
