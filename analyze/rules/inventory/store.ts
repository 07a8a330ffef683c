import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../../core/clickhouse/client.js';
import { query } from '../../../core/clickhouse/query.js';
import { chTime } from '../../../core/clickhouse/time.js';
import type { NsgDefinition, NsgRule } from '../model/types.js';

const LatestHashRow = z.object({ nsg_key: z.string(), h: z.string() });

/** Lower-case ARM id, or lower-case name when the input had no id: how snapshots of one NSG are found. */
export function nsgKey(nsg: Pick<NsgDefinition, 'id' | 'name'>): string {
  return (nsg.id || nsg.name).toLowerCase();
}

/** Content of an NSG that matters for analysis; unchanged content means no new snapshot. */
export function contentHash(nsg: NsgDefinition): string {
  const rules = [...nsg.rules].sort((a, b) => `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`));
  return createHash('sha256')
    .update(JSON.stringify([nsg.id, nsg.name, nsg.resourceGuid, rules]))
    .digest('hex');
}

export interface SnapshotOptions {
  /** Start of validity (ISO). Imports of current definitions use "now"; backfills pass the time. */
  validFrom: string;
  importedAt: string;
  origin: string;
}

export interface SnapshotResult {
  written: number;
  unchanged: number;
  rules: number;
}

/**
 * Stores one snapshot per NSG whose content differs from its latest stored snapshot, so a scheduled
 * `rules sync` does not pile up identical copies.
 */
export async function writeSnapshots(
  db: Db,
  nsgs: readonly NsgDefinition[],
  opts: SnapshotOptions,
): Promise<SnapshotResult> {
  const latest = await latestHashes(db, nsgs.map(nsgKey));
  const changed = nsgs.filter((n) => latest.get(nsgKey(n)) !== contentHash(n));
  const snapshots = changed.map((n) => snapshotRow(n, opts));
  const ruleRows = changed.flatMap((n, i) => n.rules.map((r) => ruleRow(r, snapshots[i]!)));
  if (ruleRows.length)
    await db.client.insert({ table: 'nsg_rules', values: ruleRows, format: 'JSONEachRow' });
  if (snapshots.length)
    await db.client.insert({ table: 'nsg_snapshots', values: snapshots, format: 'JSONEachRow' });
  return { written: changed.length, unchanged: nsgs.length - changed.length, rules: ruleRows.length };
}

async function latestHashes(db: Db, keys: string[]): Promise<Map<string, string>> {
  if (!keys.length) return new Map();
  const rows = await query(db.client, {
    sql:
      'SELECT nsg_key, argMax(content_hash, valid_from) AS h FROM nsg_snapshots FINAL ' +
      'WHERE nsg_key IN {keys:Array(String)} GROUP BY nsg_key',
    params: { keys },
    row: LatestHashRow,
  });
  return new Map(rows.map((r) => [r.nsg_key, r.h]));
}

type SnapshotRow = ReturnType<typeof snapshotRow>;

function snapshotRow(n: NsgDefinition, opts: SnapshotOptions) {
  return {
    snapshot_id: randomUUID(),
    nsg_key: nsgKey(n),
    valid_from: chTime(opts.validFrom),
    imported_at: chTime(opts.importedAt),
    origin: opts.origin,
    content_hash: contentHash(n),
    nsg_id: n.id,
    nsg_name: n.name,
    resource_group: n.resourceGroup,
    subscription_id: n.subscriptionId,
    resource_guid: n.resourceGuid,
    location: n.location,
    rule_count: n.rules.length,
  };
}

function ruleRow(r: NsgRule, s: SnapshotRow) {
  return {
    snapshot_id: s.snapshot_id,
    nsg_key: s.nsg_key,
    valid_from: s.valid_from,
    rule_name: r.name,
    rule_kind: r.kind,
    priority: r.priority,
    direction: r.direction,
    access: r.access,
    protocol: r.protocol,
    source_ports: r.sourcePorts,
    destination_ports: r.destinationPorts,
    source_addresses: r.sourceAddresses,
    destination_addresses: r.destinationAddresses,
    source_asgs: r.sourceAsgs,
    destination_asgs: r.destinationAsgs,
    description: r.description,
  };
}
