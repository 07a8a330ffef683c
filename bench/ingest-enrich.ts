import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../core/clickhouse/client.js';
import { ASN_CSV, COUNTRY_CSV, convertRangeLines, type RangeDataset } from '../core/enrich/datasets.js';
import { installedPackage } from '../core/enrich/ranges.js';
import { reloadDictionary, TrieWriter } from '../core/enrich/store.js';

/**
 * Enrichment on/off for the ingest bench, in one database (chDB binds one data directory per
 * process): the first `lines` ranges of the packaged ASN and country CSVs are loaded once and kept
 * in side tables; "on" copies them into the dictionary tables and reloads the dictionaries, "off"
 * empties them. Toggling is done outside the timed part. Enrichment is looked up at query time
 * (docs/enrichment.md), so the ingest path is the same either way: the row shows what loaded
 * dictionaries cost an insert running next to them.
 */
const SETS: [RangeDataset, string, string][] = [
  [ASN_CSV, '@ip-location-db/asn', 'asn-ipv4.csv'],
  [COUNTRY_CSV, '@ip-location-db/geo-whois-asn-country', 'geo-whois-asn-country-ipv4.csv'],
];

export async function prepareEnrichment(db: Db, lines: number): Promise<number> {
  let rows = 0;
  for (const [dataset, pkg, file] of SETS) {
    const dir = installedPackage(pkg)?.dir;
    if (!dir) throw new Error(`${pkg} is not installed`);
    const text = readFileSync(join(dir, file), 'utf8').split('\n', lines);
    const writer = await TrieWriter.open(db.client, dataset.spec);
    rows += convertRangeLines(dataset, text, (row) => writer.push(row)).rows;
    await writer.close();
    const side = `bench_${dataset.spec.table}`;
    await db.client.command({ query: `CREATE TABLE IF NOT EXISTS ${side} AS ${dataset.spec.table}` });
    await db.client.command({ query: `INSERT INTO ${side} SELECT * FROM ${dataset.spec.table}` });
  }
  return rows;
}

export async function setEnrichment(db: Db, on: boolean): Promise<void> {
  for (const [dataset] of SETS) {
    const { table } = dataset.spec;
    await db.client.command({ query: `TRUNCATE TABLE ${table}` });
    if (on) await db.client.command({ query: `INSERT INTO ${table} SELECT * FROM bench_${table}` });
    await reloadDictionary(db.client, dataset.spec);
  }
}
