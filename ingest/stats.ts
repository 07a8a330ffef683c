import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { chNumber, query } from '../core/clickhouse/query.js';

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
  /**
   * Tuples summed in `flows_1h` over the hours raw rows still cover. Above `rows`, the rollup counts
   * flows raw no longer holds once or at all: raw rows expired inside those hours, or `--force`
   * stored files again whose raw rows were gone while the rollup still held their totals.
   */
  rolledUpOverRaw: number;
  first: string | null;
  last: string | null;
  byFormat: CountBy[];
  byNsg: CountBy[];
  byRule: CountBy[];
  byDirection: CountBy[];
  byAction: CountBy[];
  rejects: number;
  rejectsByReason: CountBy[];
  /** History that arrived late: rows of `flows` stored more than `hours` after their flow time. */
  lateHistory: LateHistory;
}

export interface LateHistory {
  /** The threshold: a row is late when `ingested_at - time` exceeds this many hours. */
  hours: number;
  rows: number;
  /** Largest arrival delay in days (0 when nothing is late). */
  maxDelayDays: number;
}

/** Azure writes a flow into its hour blob within about an hour; a day later it is a backfill. */
export const DEFAULT_LATE_HOURS = 24;

const TotalsRow = z.object({ rows: chNumber, first: z.string().nullable(), last: z.string().nullable() });
const SumRow = z.object({ n: z.union([chNumber, z.null()]) });
const LateRow = z.object({ rows: chNumber, delay: chNumber });
const CountByRow = z.object({ key: z.string(), flows: chNumber });

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
export async function readStats(
  client: ClickHouseClient,
  limit = 20,
  lateHours = DEFAULT_LATE_HOURS,
): Promise<IngestStats> {
  const [totals] = await select(
    client,
    TotalsRow,
    'SELECT count() AS rows, if(rows = 0, NULL, toString(min(time))) AS first, ' +
      'if(rows = 0, NULL, toString(max(time))) AS last FROM flows',
  );
  const [rolled] = await select(client, SumRow, 'SELECT sum(flows) AS n FROM flows_1h');
  const [overRaw] = await select(
    client,
    SumRow,
    'SELECT sum(flows) AS n FROM flows_1h WHERE time >= (SELECT toStartOfHour(min(time)) FROM flows) ' +
      'AND time <= (SELECT toStartOfHour(max(time)) FROM flows)',
  );
  const out: Partial<IngestStats> = {
    rows: Number(totals?.rows ?? 0),
    rolledUp: Number(rolled?.n ?? 0),
    rolledUpOverRaw: Number(totals?.rows ?? 0) > 0 ? Number(overRaw?.n ?? 0) : 0,
    first: totals?.first ?? null,
    last: totals?.last ?? null,
  };
  for (const [name, expr] of Object.entries(DIMENSIONS) as [keyof typeof DIMENSIONS, string][]) {
    out[name] = await countBy(client, `SELECT ${expr} AS key, sum(flows) AS flows FROM flows_1h`, limit);
  }
  out.rejectsByReason = await countBy(client, 'SELECT reason AS key, count() AS flows FROM rejects', limit);
  out.rejects = out.rejectsByReason.reduce((s, r) => s + r.flows, 0);
  out.lateHistory = await readLateHistory(client, lateHours);
  return out as IngestStats;
}

/**
 * Rows that arrived more than `hours` after their flow time: backfills and replays of old logs.
 * Retention counts from arrival (docs/data-model.md), so these stay for the full retention.
 */
export async function readLateHistory(client: ClickHouseClient, hours: number): Promise<LateHistory> {
  const [row] = await select(
    client,
    LateRow,
    "SELECT count() AS rows, max(dateDiff('second', time, ingested_at)) AS delay FROM flows " +
      'WHERE ingested_at > time + toIntervalSecond({seconds:UInt64})',
    { seconds: Math.round(hours * 3600) },
  );
  const rows = Number(row?.rows ?? 0);
  return { hours, rows, maxDelayDays: rows ? Math.floor(Number(row?.delay ?? 0) / 86_400) : 0 };
}

async function countBy(client: ClickHouseClient, head: string, limit: number): Promise<CountBy[]> {
  const rows = await select(
    client,
    CountByRow,
    `${head} GROUP BY key ORDER BY flows DESC, key LIMIT {limit:UInt32}`,
    {
      limit,
    },
  );
  return rows;
}

function select<T>(
  client: ClickHouseClient,
  row: z.ZodType<T>,
  sql: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  return query(client, { sql, params, row });
}
