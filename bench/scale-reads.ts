import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { query } from '../core/clickhouse/query.js';

/**
 * What the database read for a piece of work: rows and (uncompressed) bytes. Unlike wall time these
 * do not depend on what else runs on the machine, so they are the honest measure of whether a tick's
 * cost follows its window or the stored history (issue 17) on a shared 2-core box.
 *
 * Taken from the engine's cumulative ProfileEvents counters in `system.events`, `SelectedRows` and
 * `SelectedBytes` (rows and bytes of the granules left to read after partition, key and skip-index
 * pruning, every table a query touches, subqueries and joins included), as the difference around
 * the work. Why not the usual sources, measured on chdb 3.4.0:
 * - `system.query_log` does not exist in embedded chDB (it starts without a server configuration,
 *   so `log_queries = 1` logs nothing: "Unknown table expression identifier 'system.query_log'");
 * - the query summary (`exec`'s summary; `X-ClickHouse-Summary` from the HTTP test double) carries
 *   chDB's `rowsRead`, which is the rows the query returned (1 for a `count()` over 10⁶ rows, 0 with
 *   `FORMAT Null`), not the rows it read.
 * `system.events` is per process, so the same difference works over the test double (its own chDB
 * process) in server mode. Background merges do not count as selects; inserts do (a materialized
 * view selects from the inserted block), so measure while nothing is inserted — the scale bench
 * measures on settled tables.
 */
export interface Reads {
  rows: number;
  bytes: number;
}

const EventRow = z.object({ event: z.string(), value: z.coerce.number() });

async function counters(client: ClickHouseClient): Promise<Reads> {
  const rows = await query(client, {
    sql: "SELECT event, value FROM system.events WHERE event IN ('SelectedRows', 'SelectedBytes')",
    row: EventRow,
  });
  const of = (name: string) => rows.find((r) => r.event === name)?.value ?? 0;
  return { rows: of('SelectedRows'), bytes: of('SelectedBytes') };
}

const minus = (a: Reads, b: Reads): Reads => ({ rows: a.rows - b.rows, bytes: a.bytes - b.bytes });

/**
 * A meter of reads: `measure(work)` runs `work` and returns what it read, less what reading the
 * counters itself reads (`system.events` counts as a table of a hundred-odd rows; measured once, at
 * creation).
 */
export async function readMeter(client: ClickHouseClient) {
  const a = await counters(client);
  const overhead = minus(await counters(client), a);
  return {
    async measure<T>(work: () => Promise<T>): Promise<{ value: T; reads: Reads }> {
      const before = await counters(client);
      const value = await work();
      const reads = minus(minus(await counters(client), before), overhead);
      return { value, reads: { rows: Math.max(0, reads.rows), bytes: Math.max(0, reads.bytes) } };
    },
  };
}

export type ReadMeter = Awaited<ReturnType<typeof readMeter>>;

export const sumReads = (all: readonly Reads[]): Reads =>
  all.reduce((s, r) => ({ rows: s.rows + r.rows, bytes: s.bytes + r.bytes }), { rows: 0, bytes: 0 });
