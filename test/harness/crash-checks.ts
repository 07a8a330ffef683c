import type { Db } from '../../core/clickhouse/client.js';
import { rows } from './chdb.js';

/**
 * Whether the crash and outage tests coalesce inserts (docs/ingest.md "Batching"). On, as in the
 * product's default, unless `FLOWLENS_TEST_COALESCE=0`: the same suites then run one insert per
 * range, for comparing timings or bisecting a failure, without a second copy of each test. Child
 * processes inherit the variable.
 */
export function coalesceInTests(): boolean {
  return process.env.FLOWLENS_TEST_COALESCE !== '0';
}

/** Spread into `createClickHouseSink` options: nothing (the sink's default, on) or `coalesce: false`. */
export function sinkCoalesce(): { coalesce?: false } {
  return coalesceInTests() ? {} : { coalesce: false };
}

/** The config section (`ingest.coalesce`) for `flowlens run` in a test. */
export function configCoalesce(): { enabled: boolean } {
  return { enabled: coalesceInTests() };
}

export interface RollupTotals {
  flows: number;
  minute: number;
  hour: number;
}

/**
 * Rows in `flows` and the flows the rollups count: after replays they must be equal (a replay
 * deduplicated in `flows` must not be counted again in `flows_1m`/`flows_1h`).
 */
export async function rollupTotals(db: Db): Promise<RollupTotals> {
  const [r] = await rows<{ flows: string; minute: string; hour: string }>(
    db,
    'SELECT (SELECT count() FROM flows) AS flows, (SELECT sum(flows) FROM flows_1m) AS minute, ' +
      '(SELECT sum(flows) FROM flows_1h) AS hour',
  );
  return { flows: Number(r?.flows ?? 0), minute: Number(r?.minute ?? 0), hour: Number(r?.hour ?? 0) };
}
