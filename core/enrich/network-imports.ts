import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { query } from '../clickhouse/query.js';
import { NetworkInventorySchema } from '../config/sections/enrich.js';
import type { NetworkInventory } from './arm-inventory.js';

/**
 * Imported network inventories (`rules sync`, one per subscription), kept apart from config so
 * that each start can merge them with `enrich.networks` again (core/enrich/flow-type.ts) and a later
 * sync of one subscription replaces only that subscription's part.
 */
export const NETWORK_IMPORTS_TABLE = 'enrich_network_imports';

export interface NetworkImport {
  source: string;
  inventory: NetworkInventory;
}

export async function saveNetworkImport(
  client: ClickHouseClient,
  source: string,
  inventory: NetworkInventory,
  now: Date,
): Promise<void> {
  await client.insert({
    table: NETWORK_IMPORTS_TABLE,
    values: [{ source, inventory: JSON.stringify(inventory), imported_at: now.getTime() }],
    format: 'JSONEachRow',
  });
}

const ImportRow = z.object({ source: z.string(), inventory: z.string() });

/** The latest import per source; a stored document that no longer parses is a problem, not a stop. */
export async function readNetworkImports(
  client: ClickHouseClient,
): Promise<{ imports: NetworkImport[]; problems: string[] }> {
  const rows = await query(client, {
    sql:
      'SELECT source, argMax(inventory, imported_at) AS inventory ' +
      `FROM ${NETWORK_IMPORTS_TABLE} GROUP BY source ORDER BY source`,
    row: ImportRow,
  });
  const imports: NetworkImport[] = [];
  const problems: string[] = [];
  for (const r of rows) {
    const parsed = NetworkInventorySchema.safeParse(safeJson(r.inventory));
    if (parsed.success) imports.push({ source: r.source, inventory: parsed.data });
    else problems.push(`${NETWORK_IMPORTS_TABLE} ${r.source}: not an inventory, ignored`);
  }
  return { imports, problems };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
