import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { chNumber, query } from '../clickhouse/query.js';
import { intelTrieRows } from './intel.js';
import { type ServiceTagsFile, serviceTagRows } from './service-tags.js';
import { recordDataset, TrieWriter } from './store.js';
import { INTEL, SERVICE_TAGS } from './tables.js';

/** Loads service tags (file or ARM answer) replacing the previous set. */
export async function loadServiceTags(
  client: ClickHouseClient,
  file: ServiceTagsFile,
  meta: { source: string; now: Date },
): Promise<{ tags: number; prefixes: number; rejected: string[]; version: string }> {
  const { rows, tags, rejected } = serviceTagRows(file);
  const writer = await TrieWriter.open(client, SERVICE_TAGS);
  for (const row of rows) writer.push(row);
  await writer.close();
  const version = `${file.cloud ?? 'Public'}#${file.changeNumber ?? 0}`;
  await recordDataset(
    client,
    { name: SERVICE_TAGS.name, version, source: meta.source, dataDate: meta.now, rows: rows.length },
    meta.now,
  );
  return { tags, prefixes: rows.length, rejected, version };
}

/**
 * Replaces one list's entries and rebuilds the intel trie from every list. The dictionary reload
 * makes the new list visible to the next query, so findings are re-marked at the next analysis tick.
 */
export async function loadIntelList(
  client: ClickHouseClient,
  list: { name: string; prefixes: string[]; confidence: number },
  meta: { source: string; now: Date },
): Promise<{ prefixes: number }> {
  const unique = [...new Set(list.prefixes)];
  await client.command({
    query: 'ALTER TABLE enrich_intel_entries DELETE WHERE list = {list:String}',
    query_params: { list: list.name },
    clickhouse_settings: { mutations_sync: '1' },
  });
  if (unique.length > 0) {
    await client.insert({
      table: 'enrich_intel_entries',
      values: unique.map((prefix) => ({ list: list.name, prefix, confidence: list.confidence })),
      format: 'JSONEachRow',
    });
  }
  await rebuildIntelTrie(client);
  await recordDataset(
    client,
    {
      name: `intel:${list.name}`,
      version: String(unique.length),
      source: meta.source,
      dataDate: meta.now,
      rows: unique.length,
    },
    meta.now,
  );
  return { prefixes: unique.length };
}

export async function rebuildIntelTrie(client: ClickHouseClient): Promise<void> {
  const entries = await query(client, {
    sql: 'SELECT list, prefix, confidence FROM enrich_intel_entries',
    row: z.object({ list: z.string(), prefix: z.string(), confidence: chNumber }),
  });
  const writer = await TrieWriter.open(client, INTEL);
  for (const row of intelTrieRows(entries)) writer.push(row);
  await writer.close();
}
