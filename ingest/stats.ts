import type { ClickHouseClient } from '@clickhouse/client';

export interface CountBy {
  key: string;
  flows: number;
}

/** What `flowlens stats` reports: what is stored, broken down the way operators ask first. */
export interface IngestStats {
  /** Tuples in `flows` (raw retention). */
  rows: number;
  /** Tuples summed in `flows_1h` (the longest retention); equals `rows` until raw data expires. */
  rolledUp: number;
  first: string | null;
  last: string | null;
  byFormat: CountBy[];
  byNsg: CountBy[];
  byRule: CountBy[];
  byDirection: CountBy[];
  byAction: CountBy[];
  rejects: number;
  rejectsByReason: CountBy[];
}

const DIMENSIONS = {
  byFormat: 'format',
  byNsg: 'nsg',
  byRule: 'rule_name',
  byDirection: 'toString(direction)',
  byAction: 'toString(action)',
} as const;

/**
 * Reads the counts from the hour rollup (a few rows per NSG × rule × hour, so this stays fast on
 * big tables) plus the raw row count and the dead-letter breakdown.
 * @see https://clickhouse.com/docs/engines/table-engines/mergetree-family/summingmergetree
 */
export async function readStats(client: ClickHouseClient, limit = 20): Promise<IngestStats> {
  const [totals] = await select<{ rows: number; first: string | null; last: string | null }>(
    client,
    'SELECT count() AS rows, if(rows = 0, NULL, toString(min(time))) AS first, ' +
      'if(rows = 0, NULL, toString(max(time))) AS last FROM flows',
  );
  const [rolled] = await select<{ n: number }>(client, 'SELECT sum(flows) AS n FROM flows_1h');
  const out: Partial<IngestStats> = {
    rows: Number(totals?.rows ?? 0),
    rolledUp: Number(rolled?.n ?? 0),
    first: totals?.first ?? null,
    last: totals?.last ?? null,
  };
  for (const [name, expr] of Object.entries(DIMENSIONS) as [keyof typeof DIMENSIONS, string][]) {
    out[name] = await countBy(client, `SELECT ${expr} AS key, sum(flows) AS flows FROM flows_1h`, limit);
  }
  out.rejectsByReason = await countBy(client, 'SELECT reason AS key, count() AS flows FROM rejects', limit);
  out.rejects = out.rejectsByReason.reduce((s, r) => s + r.flows, 0);
  return out as IngestStats;
}

async function countBy(client: ClickHouseClient, head: string, limit: number): Promise<CountBy[]> {
  const rows = await select<CountBy>(
    client,
    `${head} GROUP BY key ORDER BY flows DESC, key LIMIT {limit:UInt32}`,
    {
      limit,
    },
  );
  return rows.map((r) => ({ key: r.key, flows: Number(r.flows) }));
}

async function select<T>(client: ClickHouseClient, query: string, params: Record<string, unknown> = {}) {
  const rs = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}
