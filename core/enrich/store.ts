import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { chNumber, query } from '../clickhouse/query.js';
import type { TrieSpec } from './tables.js';

/**
 * Writes trie rows into ClickHouse and records what was loaded. A load replaces the dataset whole:
 * truncate, insert in chunks, then reload the dictionary — queries keep answering from the
 * dictionary's previous (in-memory) contents until the reload.
 */

export type TrieRow = (string | number | string[])[];

export interface DatasetInfo {
  name: string;
  version: string;
  /** `package:<npm name>`, `file:<path>`, `arm:<subscription>/<location>`, … */
  source: string;
  /** Date the data describes (from the dataset version when it has one, else the load time). */
  dataDate: Date;
  rows: number;
}

const CHUNK_ROWS = 200_000;

export class TrieWriter {
  private buffer: string[] = [];
  private pending: Promise<void> = Promise.resolve();
  rows = 0;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly spec: TrieSpec,
  ) {}

  static async open(client: ClickHouseClient, spec: TrieSpec): Promise<TrieWriter> {
    await client.command({ query: `TRUNCATE TABLE IF EXISTS ${spec.table}` });
    return new TrieWriter(client, spec);
  }

  push(row: TrieRow): void {
    this.buffer.push(row.map(tsvField).join('\t'));
    this.rows++;
    if (this.buffer.length >= CHUNK_ROWS) this.flush();
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    const body = `${this.buffer.join('\n')}\n`;
    this.buffer = [];
    this.pending = this.pending.then(() =>
      this.client
        .insert({
          table: this.spec.table,
          values: Readable.from([body], { objectMode: false }),
          format: 'TabSeparated',
        })
        .then(() => undefined),
    );
  }

  /** Waits for queued inserts (bounds memory) and gives the event loop a turn. */
  async drain(): Promise<void> {
    await this.pending;
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Inserts what is left and reloads the dictionary. */
  async close(): Promise<void> {
    this.flush();
    await this.pending;
    await reloadDictionary(this.client, this.spec);
  }
}

export async function reloadDictionary(client: ClickHouseClient, spec: TrieSpec): Promise<void> {
  await client.command({ query: `SYSTEM RELOAD DICTIONARY ${spec.dictionary}` });
}

export async function recordDataset(
  client: ClickHouseClient,
  info: DatasetInfo,
  loadedAt: Date,
): Promise<void> {
  await client.insert({
    table: 'enrich_datasets',
    values: [
      {
        name: info.name,
        version: info.version,
        source: info.source,
        data_date: Math.floor(info.dataDate.getTime() / 1000),
        rows: info.rows,
        loaded_at: loadedAt.getTime(),
      },
    ],
    format: 'JSONEachRow',
  });
}

export interface DatasetStatus {
  name: string;
  version: string;
  source: string;
  dataDate: string;
  loadedAt: string;
  rows: number;
}

const DatasetStatusRow = z.object({
  name: z.string(),
  version: z.string(),
  source: z.string(),
  dataDate: z.string(),
  loadedAt: z.string(),
  rows: chNumber,
});

export async function datasetStatus(client: ClickHouseClient): Promise<DatasetStatus[]> {
  return query(client, {
    sql:
      'SELECT name, argMax(version, loaded_at) AS version, argMax(source, loaded_at) AS source, ' +
      `formatDateTime(argMax(data_date, loaded_at), '%Y-%m-%dT%H:%i:%SZ') AS dataDate, ` +
      `formatDateTime(max(loaded_at), '%Y-%m-%dT%H:%i:%SZ') AS loadedAt, argMax(rows, loaded_at) AS rows ` +
      'FROM enrich_datasets GROUP BY name ORDER BY name',
    row: DatasetStatusRow,
  });
}

function tsvField(v: string | number | string[]): string {
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v))
    return `[${v.map((s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(',')}]`;
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
}
