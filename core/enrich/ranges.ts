import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import {
  ASN_CSV,
  COUNTRY_CSV,
  type ConvertStats,
  convertRangeLines,
  dateFromVersion,
  type RangeDataset,
} from './datasets.js';
import { convertMmdb, mmdbDataset } from './mmdb.js';
import { type DatasetInfo, datasetStatus, recordDataset, TrieWriter } from './store.js';

/**
 * The ASN and country datasets: the copies installed with flowlens (npm packages, loaded at first
 * start and whenever the installed package version changes) and newer CSV or MMDB files an operator brings
 * (`flowlens enrich update --from`), which then stay until the next update.
 */

export interface PackagedDataset {
  dataset: RangeDataset;
  packageName: string;
  files: string[];
  /** Where the package is installed (tests point this at a slice); default: resolved from node_modules. */
  locate?: () => InstalledPackage | null;
}

export const PACKAGED: readonly PackagedDataset[] = [
  { dataset: ASN_CSV, packageName: '@ip-location-db/asn', files: ['asn-ipv4.csv', 'asn-ipv6.csv'] },
  {
    dataset: COUNTRY_CSV,
    packageName: '@ip-location-db/geo-whois-asn-country',
    files: ['geo-whois-asn-country-ipv4.csv', 'geo-whois-asn-country-ipv6.csv'],
  },
];

const SLICE_LINES = 50_000;

export interface LoadResult extends ConvertStats {
  name: string;
  version: string;
  files: string[];
}

/** Loads CSV range files and MMDB files as one dataset (replacing it) and records its version. */
export async function loadRangeFiles(
  client: ClickHouseClient,
  dataset: RangeDataset,
  files: string[],
  meta: { version: string; source: string; dataDate: Date; now: Date },
): Promise<LoadResult> {
  const writer = await TrieWriter.open(client, dataset.spec);
  const stats: ConvertStats = { lines: 0, rows: 0, rejected: 0 };
  for (const file of files) {
    if (isMmdb(file)) {
      await pushMmdb(writer, dataset, file, stats);
      continue;
    }
    const lines = readFileSync(file, 'utf8').split('\n');
    // Slices with a yield between them: a load inside `run` must not stall ingest or the API.
    for (let i = 0; i < lines.length; i += SLICE_LINES) {
      convertRangeLines(dataset, lines.slice(i, i + SLICE_LINES), (row) => writer.push(row), stats);
      await writer.drain();
    }
  }
  await writer.close();
  const info: DatasetInfo = {
    name: dataset.spec.name,
    version: meta.version,
    source: meta.source,
    dataDate: meta.dataDate,
    rows: stats.rows,
  };
  await recordDataset(client, info, meta.now);
  return { ...stats, name: dataset.spec.name, version: meta.version, files };
}

async function pushMmdb(
  writer: TrieWriter,
  dataset: RangeDataset,
  file: string,
  stats: ConvertStats,
): Promise<void> {
  let n = 0;
  for (const row of convertMmdb(dataset, readFileSync(file), stats)) {
    writer.push(row);
    if (++n % SLICE_LINES === 0) await writer.drain();
  }
  await writer.drain();
}

const isMmdb = (file: string) => file.toLowerCase().endsWith('.mmdb');

export interface InstalledPackage {
  dir: string;
  version: string;
}

/** Where an npm dataset package is installed and its version; null when it is not installed. */
export function installedPackage(packageName: string): InstalledPackage | null {
  try {
    const require = createRequire(import.meta.url);
    const manifest = require.resolve(`${packageName}/package.json`);
    const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
    return { dir: dirname(manifest), version };
  } catch {
    return null;
  }
}

/**
 * Loads each packaged dataset that is missing, or that came from an older or newer package than the
 * installed one. A dataset loaded from a file by an operator is left alone. Returns what it loaded.
 */
export async function ensurePackagedDatasets(
  client: ClickHouseClient,
  now: () => Date,
  packaged: readonly PackagedDataset[] = PACKAGED,
): Promise<LoadResult[]> {
  const status = new Map((await datasetStatus(client)).map((s) => [s.name, s]));
  const loaded: LoadResult[] = [];
  for (const p of packaged) {
    const installed = (p.locate ?? (() => installedPackage(p.packageName)))();
    if (!installed) continue;
    const current = status.get(p.dataset.spec.name);
    const source = `package:${p.packageName}`;
    if (current && (!current.source.startsWith('package:') || current.version === installed.version))
      continue;
    const files = p.files.map((f) => join(installed.dir, f));
    const dataDate = dateFromVersion(installed.version) ?? now();
    loaded.push(
      await loadRangeFiles(client, p.dataset, files, {
        version: installed.version,
        source,
        dataDate,
        now: now(),
      }),
    );
  }
  return loaded;
}

/**
 * Which dataset a file holds: a CSV from its name (`asn-ipv4.csv`, `…-country-ipv6.csv`), an MMDB
 * from the shape of its records (ASN or country, whatever the file is called).
 */
export function datasetForFile(file: string): RangeDataset | null {
  if (isMmdb(file)) {
    try {
      return mmdbDataset(readFileSync(file));
    } catch {
      return null; // not a MaxMind DB (mmdb-lib found no metadata); the caller reports it
    }
  }
  const name = basename(file).toLowerCase();
  if (!name.endsWith('.csv')) return null;
  if (name.includes('country')) return COUNTRY_CSV;
  if (name.includes('asn')) return ASN_CSV;
  return null;
}

/** The date a file's data describes, when no version says: its modification time. */
export function fileDate(file: string): Date {
  return statSync(file).mtime;
}
