import { z } from 'zod';
import type { Db } from '../../../core/clickhouse/client.js';
import { query as read } from '../../../core/clickhouse/query.js';
import { isoTime, timeMs } from '../../../core/clickhouse/time.js';
import type { NsgDefinition, NsgRule } from '../model/types.js';

/** An NSG as valid in an analysis window, with when each rule appeared (JIT rules are short-lived). */
export interface InventoryNsg extends NsgDefinition {
  key: string;
  snapshotId: string;
  validFrom: string;
  /** `kind/name` → ISO time since which the rule exists in consecutive snapshots ('' = before any snapshot). */
  ruleSince: Map<string, string>;
}

const SnapshotRowSchema = z.object({
  snapshot_id: z.string(),
  nsg_key: z.string(),
  valid_from: z.string(),
  nsg_id: z.string(),
  nsg_name: z.string(),
  resource_group: z.string(),
  subscription_id: z.string(),
  resource_guid: z.string(),
  location: z.string(),
});
type SnapshotRow = z.infer<typeof SnapshotRowSchema>;

const RuleRowSchema = z.object({
  snapshot_id: z.string(),
  rule_name: z.string(),
  rule_kind: z.enum(['user', 'default']),
  priority: z.coerce.number(),
  direction: z.enum(['inbound', 'outbound']),
  access: z.enum(['allow', 'deny']),
  protocol: z.enum(['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah', '*']),
  source_ports: z.array(z.string()),
  destination_ports: z.array(z.string()),
  source_addresses: z.array(z.string()),
  destination_addresses: z.array(z.string()),
  source_asgs: z.array(z.string()),
  destination_asgs: z.array(z.string()),
  description: z.string(),
});
type RuleRow = z.infer<typeof RuleRowSchema>;

export const ruleRef = (r: Pick<NsgRule, 'kind' | 'name'>) => `${r.kind}/${r.name}`;

/**
 * The NSGs valid at the end of `window`: per NSG the latest snapshot with `valid_from ≤ to`; when
 * every snapshot is newer (definitions imported after the traffic), the earliest one — current
 * definitions are the best available description of the recent past.
 */
export async function loadInventory(db: Db, window: { from: string; to: string }): Promise<InventoryNsg[]> {
  const snapshots = await query(
    db,
    SnapshotRowSchema,
    'SELECT snapshot_id, nsg_key, toString(valid_from) AS valid_from, nsg_id, nsg_name, resource_group, ' +
      'subscription_id, resource_guid, location FROM nsg_snapshots FINAL ORDER BY nsg_key, valid_from',
    {},
  );
  if (!snapshots.length) return [];
  const rules = await query(
    db,
    RuleRowSchema.partial().extend({
      snapshot_id: z.string(),
      rule_name: z.string(),
      rule_kind: z.enum(['user', 'default']),
    }),
    'SELECT snapshot_id, rule_kind, rule_name FROM nsg_rules FINAL',
    {},
  );
  const names = new Map<string, Set<string>>();
  for (const r of rules) {
    const set = names.get(r.snapshot_id) ?? new Set<string>();
    set.add(`${r.rule_kind}/${r.rule_name}`);
    names.set(r.snapshot_id, set);
  }
  const to = timeMs(window.to);
  const byKey = groupBy(snapshots, (s) => s.nsg_key);
  const chosen = [...byKey.values()].map((list) => pick(list, to));
  const full = await query(
    db,
    RuleRowSchema,
    `SELECT ${Object.keys(RuleRowSchema.shape).join(', ')} FROM nsg_rules FINAL WHERE snapshot_id IN {ids:Array(String)}`,
    {
      ids: chosen.map((c) => c.snap.snapshot_id),
    },
  );
  const fullBy = groupBy(full, (r) => r.snapshot_id);
  return chosen.map(({ snap, earlier }) =>
    toInventory(snap, fullBy.get(snap.snapshot_id) ?? [], earlier, names),
  );
}

function pick(list: SnapshotRow[], to: number): { snap: SnapshotRow; earlier: SnapshotRow[] } {
  let i = -1;
  for (let k = 0; k < list.length; k++) if (timeMs(list[k]!.valid_from) <= to) i = k;
  if (i < 0) return { snap: list[0]!, earlier: [] };
  return { snap: list[i]!, earlier: list.slice(0, i) };
}

function toInventory(
  snap: SnapshotRow,
  rows: RuleRow[],
  earlier: SnapshotRow[],
  names: Map<string, Set<string>>,
): InventoryNsg {
  const rules = rows.map(toRule);
  const ruleSince = new Map<string, string>();
  for (const r of rules) {
    const ref = ruleRef(r);
    let since = snap.valid_from;
    for (let k = earlier.length - 1; k >= 0 && names.get(earlier[k]!.snapshot_id)?.has(ref); k--)
      since = earlier[k]!.valid_from;
    // A rule present in the very first snapshot may be older than the inventory itself.
    ruleSince.set(ref, since === (earlier[0] ?? snap).valid_from ? '' : isoTime(since));
  }
  return {
    key: snap.nsg_key,
    snapshotId: snap.snapshot_id,
    validFrom: isoTime(snap.valid_from),
    id: snap.nsg_id,
    name: snap.nsg_name,
    resourceGroup: snap.resource_group,
    subscriptionId: snap.subscription_id,
    resourceGuid: snap.resource_guid,
    location: snap.location,
    rules,
    ruleSince,
  };
}

function toRule(r: RuleRow): NsgRule {
  return {
    name: r.rule_name,
    kind: r.rule_kind,
    priority: r.priority,
    direction: r.direction,
    access: r.access,
    protocol: r.protocol,
    sourcePorts: r.source_ports,
    destinationPorts: r.destination_ports,
    sourceAddresses: r.source_addresses,
    destinationAddresses: r.destination_addresses,
    sourceAsgs: r.source_asgs,
    destinationAsgs: r.destination_asgs,
    description: r.description,
  };
}

function query<T>(db: Db, row: z.ZodType<T>, sql: string, params: Record<string, unknown>): Promise<T[]> {
  return read(db.client, { sql, params, row });
}

/** `Map.groupBy` arrived in Node 21; the project supports Node 20. */
function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
